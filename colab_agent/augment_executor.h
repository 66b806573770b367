// Executes a batch of AugmentParams (crop box in base-image pixels + flip, core/common/augment_params.h)
// on base images of differing sizes, in one batched computation on the training device. Holds tensors:
// for libtorch sources only.
#pragma once

#include "common/augment_params.h"
#include "imagecodec/image_codec.h"
#include "sample_cache.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <QHash>
#include <QMutex>
#include <QVector>

#include <list>
#include <optional>
#include <vector>

namespace tandem::agent {

// The agent's twin of the client's BaseImageCropper (core/preprocess, OpenCV), sampling as it does:
// bilinear on the exact sub-pixel box (pixel centres, replicated border; the box's shift rounded to
// 1/32 pixel as warpAffine's fixed point does) when the box shrinks by less than 2×, else INTER_AREA's
// box filter on the box rounded to whole pixels; then the mirror. tst_augment_executor checks the two
// agree on real photographs.
//
// Why not affine_grid + grid_sample: grid_sample has no area (antialiased) mode, which the ≥ 2×
// shrinks need, and its border handling differs between versions. Both of BaseImageCropper's modes are
// separable, so each sample's crop is two small resampling matrices (output rows × base rows, output
// columns × base columns; the flip reverses the second) and the batch is two batched matmuls over the
// images padded to the largest: out = Ry · X · Rxᵀ. No version-specific calls (torch_compat.h has none
// for this).
class AugmentExecutor {
public:
    AugmentExecutor() = delete;

    // images: uint8 H×W×C (C = 1 or 3, the same for all), on the CPU or on device. Returns float
    // N×C×height×width in 0..255 on device (the trainer's (x/255 − mean)/std applies unchanged).
    // Throws std::invalid_argument on mismatched sizes or channels, c10::Error for what libtorch throws.
    [[nodiscard]] static at::Tensor apply(const std::vector<at::Tensor> &images, const QVector<AugmentParams> &params,
                                          int width, int height, const c10::Device &device);
    // N×C×H×W float → N×H×W×C uint8, rounded and clamped: the layout of the wire's batches (WorkItem).
    [[nodiscard]] static at::Tensor toUint8Nhwc(const at::Tensor &nchw);
    // The decoded pixels as a uint8 H×W×C CPU tensor without a copy (the tensor keeps them alive).
    [[nodiscard]] static at::Tensor hwcTensor(const DecodedImage &image);

    // One axis's resampling matrix (outSize × paddedSize float, zero beyond srcSize): output sample i
    // reads the base along [start, start + length) as BaseImageCropper does; area selects the INTER_AREA
    // mode; mirror reverses the rows.
    [[nodiscard]] static at::Tensor axisWeights(double start, double length, int outSize, int srcSize, int paddedSize,
                                                bool area, bool mirror);
    // Whether BaseImageCropper takes its INTER_AREA path for this box and output size.
    [[nodiscard]] static bool usesArea(const AugmentParams &params, int width, int height);
};

// The decoded-on-device tier of the sample cache: uint8 H×W×C tensors already on the training device,
// so a hit skips both the decode and the host-to-device copy. A plain byte-bounded LRU map; the session
// sizes it from the device memory left beside the model (on the CPU build it is not used: the host tier
// is SampleCache). Thread-safe.
class DeviceImageCache {
public:
    explicit DeviceImageCache(qint64 budgetBytes) : m_budget(budgetBytes) {}

    // False (and nothing kept) when the tensor alone exceeds the budget.
    bool insert(const SampleKey &key, const at::Tensor &image);
    [[nodiscard]] std::optional<at::Tensor> find(const SampleKey &key);
    void clear();
    [[nodiscard]] qint64 bytes() const;
    [[nodiscard]] qint64 entries() const;
    [[nodiscard]] quint64 evictions() const;
    [[nodiscard]] qint64 budget() const { return m_budget; }

private:
    struct Entry {
        at::Tensor image;
        std::list<SampleKey>::iterator lru;
    };
    void dropLocked(const SampleKey &key);

    mutable QMutex m_mutex;
    qint64 m_budget = 0;
    qint64 m_bytes = 0;
    quint64 m_evictions = 0;
    QHash<SampleKey, Entry> m_entries;
    std::list<SampleKey> m_lru; // front: most recent
};

} // namespace tandem::agent
