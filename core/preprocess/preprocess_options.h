// What the CPU preprocessing produces from each image: size, colour, crop, flip, limits.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QtGlobal>

namespace tandem {

// A plain value shared by the UI (persisted as JSON), the session and the preprocessing pool.
struct PreprocessOptions {
    enum class Color { Rgb, Gray };
    enum class Crop { Center, RandomResized };

    static constexpr int kMaxSide = 4096; // the wire protocol's maxImageSide

    int width = 224;
    int height = 224;
    Color color = Color::Rgb;
    Crop crop = Crop::Center;
    // Centre crop: the shorter side is resized to this before cropping; 0 means max(width, height).
    // It is raised when needed so that the crop fits inside the resized image.
    double resizeShorter = 0;
    // Random-resized crop (as torchvision's RandomResizedCrop): area fraction and aspect ratio.
    double scaleMin = 0.08;
    double scaleMax = 1.0;
    double ratioMin = 3.0 / 4;
    double ratioMax = 4.0 / 3;
    bool horizontalFlip = false;    // random, p = 0.5, derived from the sample's seed
    bool reducedDecode = true;      // JPEG DCT-domain downscaling when the output size allows it
    qint64 maxPixels = 100'000'000; // decompression-bomb guard, checked on the header
    qint64 maxFileBytes = 256LL << 20;

    [[nodiscard]] int channels() const { return color == Color::Rgb ? 3 : 1; }
    [[nodiscard]] qint64 sampleBytes() const { return qint64(width) * height * channels(); }

    // Empty when every field is in range, otherwise what is wrong ("width 0 is out of 1..4096").
    [[nodiscard]] QString validate() const;

    [[nodiscard]] QJsonObject toJson() const;
    // Missing keys keep their defaults; a key with a wrong type or out-of-range value keeps its
    // default too and is described in *error (when given).
    [[nodiscard]] static PreprocessOptions fromJson(const QJsonObject &json, QString *error = nullptr);

    [[nodiscard]] bool operator==(const PreprocessOptions &other) const;
    [[nodiscard]] bool operator!=(const PreprocessOptions &other) const { return !(*this == other); }
};

} // namespace tandem
