#include "resnet18.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/init.h>

namespace tandem::agent {

namespace {

namespace F = torch::nn::functional;

constexpr int kStemWidth = 64;
constexpr int kBlocksPerStage = 2; // ResNet-18: [2, 2, 2, 2]

torch::nn::Conv2d conv(int in, int out, int kernel, int stride, int padding)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

// torchvision's BasicBlock: two 3×3 convolutions with a shortcut; registered under the same names
// (conv1, bn1, conv2, bn2, downsample.0/1).
class BasicBlock : public torch::nn::Module {
public:
    BasicBlock(int in, int out, int stride)
        : m_conv1(register_module("conv1", conv(in, out, 3, stride, 1))),
          m_bn1(register_module("bn1", torch::nn::BatchNorm2d(out))),
          m_conv2(register_module("conv2", conv(out, out, 3, 1, 1))),
          m_bn2(register_module("bn2", torch::nn::BatchNorm2d(out)))
    {
        if (stride != 1 || in != out) {
            m_downsample = register_module(
                "downsample", torch::nn::Sequential(conv(in, out, 1, stride, 0), torch::nn::BatchNorm2d(out)));
        }
    }

    torch::Tensor forward(const torch::Tensor &x)
    {
        torch::Tensor out = F::relu(m_bn1->forward(m_conv1->forward(x)), F::ReLUFuncOptions(true));
        out = m_bn2->forward(m_conv2->forward(out));
        out += m_downsample ? m_downsample->forward(x) : x;
        return F::relu(out, F::ReLUFuncOptions(true));
    }

private:
    torch::nn::Conv2d m_conv1;
    torch::nn::BatchNorm2d m_bn1;
    torch::nn::Conv2d m_conv2;
    torch::nn::BatchNorm2d m_bn2;
    torch::nn::Sequential m_downsample{nullptr};
};

torch::nn::Sequential makeStage(int in, int out, int stride)
{
    torch::nn::Sequential stage;
    for (int i = 0; i < kBlocksPerStage; ++i)
        stage->push_back(std::make_shared<BasicBlock>(i == 0 ? in : out, out, i == 0 ? stride : 1));
    return stage;
}

} // namespace

ResNet18::ResNet18(int channels, int classes)
{
    m_conv1 = register_module("conv1", conv(channels, kStemWidth, 7, 2, 3));
    m_bn1 = register_module("bn1", torch::nn::BatchNorm2d(kStemWidth));
    m_maxpool = register_module("maxpool", torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).padding(1)));
    m_layer1 = register_module("layer1", makeStage(64, 64, 1));
    m_layer2 = register_module("layer2", makeStage(64, 128, 2));
    m_layer3 = register_module("layer3", makeStage(128, 256, 2));
    m_layer4 = register_module("layer4", makeStage(256, 512, 2));
    m_fc = register_module("fc", torch::nn::Linear(512, classes));

    // As torchvision: Kaiming normal (fan_out, ReLU) for convolutions, BatchNorm weight 1 and bias 0;
    // the linear layer keeps PyTorch's default initialisation, which libtorch shares.
    torch::NoGradGuard noGrad;
    for (auto &module : modules(/*include_self=*/false)) {
        if (auto *c = module->as<torch::nn::Conv2d>()) {
            torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
        } else if (auto *bn = module->as<torch::nn::BatchNorm2d>()) {
            torch::nn::init::ones_(bn->weight);
            torch::nn::init::zeros_(bn->bias);
        }
    }
}

torch::Tensor ResNet18::forward(torch::Tensor x)
{
    x = F::relu(m_bn1->forward(m_conv1->forward(x)), F::ReLUFuncOptions(true));
    x = m_maxpool->forward(x);
    x = m_layer1->forward(x);
    x = m_layer2->forward(x);
    x = m_layer3->forward(x);
    x = m_layer4->forward(x);
    x = F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions(1)).flatten(1);
    return m_fc->forward(x);
}

} // namespace tandem::agent
