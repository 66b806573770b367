// Writes Fashion-MNIST (Debian's dataset-fashion-mnist) as PNG files in class folders.
#pragma once

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>

namespace tandem {

struct FashionMnistExportOptions {
    QString sourceDir = QStringLiteral("/usr/share/datasets/fashion-mnist");
    int trainPerClass = 0; // 0 = all (6000 per class)
    int valPerClass = 0;   // 0 = all (1000 per class)
};

struct FashionMnistExportResult {
    int trainFiles = 0; // files of train/ that the output now holds (written or already there)
    int valFiles = 0;
    int written = 0; // of those, written by this call; 0 when everything was already there
    QString error;   // specific: "install dataset-fashion-mnist: ... not found"
    bool cancelled = false;

    [[nodiscard]] bool ok() const { return error.isEmpty() && !cancelled; }
};

// Reads the gzip'd IDX files and writes OUT/train/<class>/<index>.png from the training set and
// OUT/val/<class>/<index>.png from the test set (t10k), the first N of each class in file order.
// Class folders have plain names ("Ankle_boot", "T-shirt_top"): sorted, they are not in label
// order, which is fine since the dataset index labels classes by sorted folder name. Idempotent:
// files already present are not written again, and nothing is decoded when all are there.
class FashionMnistExporter {
public:
    FashionMnistExporter() = delete;

    // Folder names in Fashion-MNIST label order 0..9.
    [[nodiscard]] static QStringList classNames();

    // progress(done, total) counts the selected samples of both sets.
    [[nodiscard]] static FashionMnistExportResult exportTo(const QString &outDir,
                                                           const FashionMnistExportOptions &options = {},
                                                           const std::atomic<bool> *cancel = nullptr,
                                                           const std::function<void(qint64, qint64)> &progress = {});
};

} // namespace tandem
