#include "augment_executor.h"

#include <ATen/ATen.h>

#include <QMutexLocker>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

namespace tandem::agent {

namespace {
// As BaseImageCropper's (and ImagePreprocessor's): from this downscale ratio on, INTER_AREA.
constexpr double kAreaInterpolationRatio = 2.0;
// warpAffine's INTER_BITS: source coordinates in 1/32 pixel.
constexpr double kSubpixelSteps = 32.0;
} // namespace

bool AugmentExecutor::usesArea(const AugmentParams &params, int width, int height)
{
    return std::min(params.box.width() / width, params.box.height() / height) >= kAreaInterpolationRatio;
}

at::Tensor AugmentExecutor::axisWeights(double start, double length, int outSize, int srcSize, int paddedSize,
                                        bool area, bool mirror)
{
    at::Tensor weights = at::zeros({outSize, paddedSize}, at::kDouble);
    auto w = weights.accessor<double, 2>();
    if (area) {
        // The box rounded to whole pixels, each output the mean of its [a, a + scale) span, partial pixels
        // weighted by their overlap (OpenCV's INTER_AREA for a shrink).
        const int a0 = std::clamp(int(std::lround(start)), 0, srcSize - 1);
        const int a1 = std::clamp(int(std::lround(start + length)), a0 + 1, srcSize);
        const double scale = double(a1 - a0) / outSize;
        for (int i = 0; i < outSize; ++i) {
            const double f0 = a0 + i * scale;
            const double f1 = std::min(f0 + scale, double(a1));
            for (int s = int(std::floor(f0)); s < int(std::ceil(f1)) && s < srcSize; ++s) {
                const double overlap = std::min(double(s + 1), f1) - std::max(double(s), f0);
                if (overlap > 1e-9)
                    w[i][s] += overlap / scale;
            }
        }
    } else {
        // Output pixel centre i + 0.5 maps to start + (i + 0.5) · k; bilinear between the two nearest
        // base pixel centres, the border replicated.
        const double k = length / outSize;
        for (int i = 0; i < outSize; ++i) {
            const double x = std::round((start + (i + 0.5) * k - 0.5) * kSubpixelSteps) / kSubpixelSteps;
            const double x0 = std::floor(x);
            const double fx = x - x0;
            const int lo = std::clamp(int(x0), 0, srcSize - 1);
            const int hi = std::clamp(int(x0) + 1, 0, srcSize - 1);
            w[i][lo] += 1.0 - fx;
            w[i][hi] += fx;
        }
    }
    if (mirror)
        weights = weights.flip({0});
    return weights.to(at::kFloat);
}

at::Tensor AugmentExecutor::apply(const std::vector<at::Tensor> &images, const QVector<AugmentParams> &params,
                                  int width, int height, const c10::Device &device)
{
    if (images.empty() || size_t(params.size()) != images.size())
        throw std::invalid_argument("augment: " + std::to_string(images.size()) + " images for " +
                                    std::to_string(params.size()) + " parameter sets");
    if (width < 1 || height < 1)
        throw std::invalid_argument("augment: output size must be positive");
    const int64_t n = int64_t(images.size());
    const int64_t channels = images.front().dim() == 3 ? images.front().size(2) : 0;
    int64_t maxH = 0;
    int64_t maxW = 0;
    for (size_t i = 0; i < images.size(); ++i) {
        const at::Tensor &image = images[i];
        if (image.dim() != 3 || image.size(2) != channels || (channels != 1 && channels != 3) ||
            image.scalar_type() != at::kByte || image.size(0) < 1 || image.size(1) < 1)
            throw std::invalid_argument("augment: image " + std::to_string(i) +
                                        " is not uint8 H×W×C with the batch's 1 or 3 channels");
        maxH = std::max(maxH, image.size(0));
        maxW = std::max(maxW, image.size(1));
    }

    // Each image at the top left of a zero-padded N×Hmax×Wmax×C canvas, on device.
    at::Tensor canvas = at::zeros({n, maxH, maxW, channels}, at::TensorOptions().dtype(at::kByte).device(device));
    at::Tensor ry = at::empty({n, height, maxH}, at::kFloat);
    at::Tensor rx = at::empty({n, width, maxW}, at::kFloat);
    for (int64_t i = 0; i < n; ++i) {
        const at::Tensor &image = images[size_t(i)];
        const int64_t h = image.size(0);
        const int64_t w = image.size(1);
        canvas[i].narrow(0, 0, h).narrow(1, 0, w).copy_(image, /*non_blocking=*/true);
        const AugmentParams &p = params[int(i)];
        const bool area = usesArea(p, width, height);
        ry[i].copy_(axisWeights(p.box.top(), p.box.height(), height, int(h), int(maxH), area, false));
        rx[i].copy_(axisWeights(p.box.left(), p.box.width(), width, int(w), int(maxW), area, p.flip));
    }
    const at::Tensor x = canvas.permute({0, 3, 1, 2}).to(at::kFloat);                 // N×C×Hmax×Wmax
    const at::Tensor rows = at::matmul(ry.to(device).unsqueeze(1), x);                // N×C×H×Wmax
    return at::matmul(rows, rx.to(device).transpose(1, 2).unsqueeze(1)).contiguous(); // N×C×H×W
}

at::Tensor AugmentExecutor::toUint8Nhwc(const at::Tensor &nchw)
{
    return nchw.round().clamp(0, 255).to(at::kByte).permute({0, 2, 3, 1}).contiguous();
}

at::Tensor AugmentExecutor::hwcTensor(const DecodedImage &image)
{
    auto keep = std::make_shared<QByteArray>(image.pixels);
    void *data = const_cast<char *>(keep->constData()); // read only: the tensor is never written through
    return at::from_blob(
        data, {image.height, image.width, image.channels}, [keep](void *) mutable { keep.reset(); },
        at::TensorOptions().dtype(at::kByte));
}

void DeviceImageCache::dropLocked(const SampleKey &key)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    m_bytes -= qint64(it->image.nbytes());
    m_lru.erase(it->lru);
    m_entries.erase(it);
}

bool DeviceImageCache::insert(const SampleKey &key, const at::Tensor &image)
{
    const qint64 size = qint64(image.nbytes());
    QMutexLocker lock(&m_mutex);
    dropLocked(key);
    if (size > m_budget)
        return false;
    while (m_bytes + size > m_budget && !m_lru.empty()) {
        dropLocked(m_lru.back());
        ++m_evictions;
    }
    m_lru.push_front(key);
    m_entries.insert(key, Entry{image, m_lru.begin()});
    m_bytes += size;
    return true;
}

std::optional<at::Tensor> DeviceImageCache::find(const SampleKey &key)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return std::nullopt;
    m_lru.splice(m_lru.begin(), m_lru, it->lru);
    return it->image;
}

void DeviceImageCache::clear()
{
    QMutexLocker lock(&m_mutex);
    m_entries.clear();
    m_lru.clear();
    m_bytes = 0;
}

qint64 DeviceImageCache::bytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_bytes;
}

qint64 DeviceImageCache::entries() const
{
    QMutexLocker lock(&m_mutex);
    return qint64(m_entries.size());
}

quint64 DeviceImageCache::evictions() const
{
    QMutexLocker lock(&m_mutex);
    return m_evictions;
}

} // namespace tandem::agent
