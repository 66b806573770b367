// A compact CNN for small inputs (Fashion-MNIST, CIFAR-sized): conv-BN-ReLU blocks, pooling,
// adaptive average pooling and a linear classifier; any input side from 8 to 64 pixels.
#pragma once

#include "classifier.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace tandem::agent {

class SmallCnn : public Classifier {
public:
    SmallCnn(int channels, int classes);
    torch::Tensor forward(torch::Tensor x) override;

private:
    torch::nn::Sequential m_features{nullptr};
    torch::nn::Linear m_fc{nullptr};
};

} // namespace tandem::agent
