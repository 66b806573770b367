// Preprocessing that fits a dataset's own images, for a first run with no saved settings.
#pragma once

#include "dataset/dataset_index.h"
#include "preprocess/preprocess_options.h"

#include <QString>

#include <optional>

namespace tandem {

// Small images of one size (Fashion-MNIST's 28 × 28 grey, CIFAR's 32 × 32) should not be blown up
// to the 224 × 224 RGB default: that costs 64 times the bytes and picks ResNet-18 over the small
// CNN. Looks at a few samples' headers (and decodes the small ones to see their channels).
class PreprocessSuggestion {
public:
    static constexpr int kSamples = 16;
    static constexpr int kMaxNativeSide = 64; // above this, the defaults are a fine start

    PreprocessSuggestion() = delete;

    // nullopt when base already fits or the images differ in size; else base with the images'
    // size (and grey when they all are). why says what changed, for people.
    [[nodiscard]] static std::optional<PreprocessOptions>
    forDataset(const DatasetIndex &index, const PreprocessOptions &base, QString *why = nullptr);
};

} // namespace tandem
