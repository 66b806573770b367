// ResNet-18 whose parameter and buffer names match torchvision's resnet18(num_classes=N) exactly,
// so that its pickled state dict loads in Python with load_state_dict(strict=True).
#pragma once

#include "classifier.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>

namespace tandem::agent {

class ResNet18 : public Classifier {
public:
    ResNet18(int channels, int classes);
    torch::Tensor forward(torch::Tensor x) override;

private:
    torch::nn::Conv2d m_conv1{nullptr};
    torch::nn::BatchNorm2d m_bn1{nullptr};
    torch::nn::MaxPool2d m_maxpool{nullptr};
    torch::nn::Sequential m_layer1{nullptr};
    torch::nn::Sequential m_layer2{nullptr};
    torch::nn::Sequential m_layer3{nullptr};
    torch::nn::Sequential m_layer4{nullptr};
    torch::nn::Linear m_fc{nullptr};
};

} // namespace tandem::agent
