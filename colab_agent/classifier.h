// The interface every agent model implements: NCHW float images in, class logits out.
#pragma once

#include <torch/nn/module.h>

namespace tandem::agent {

class Classifier : public torch::nn::Module {
public:
    // x: N×C×H×W float, already normalised; returns N×classes logits.
    virtual torch::Tensor forward(torch::Tensor x) = 0;
};

} // namespace tandem::agent
