// Test support: reads Fashion-MNIST's gzip'd IDX files and cuts real batches from them.
#pragma once

#include "messages.h"
#include "session_config.h"

#include <QByteArray>
#include <QString>

#include <optional>

class FashionMnist {
public:
    static constexpr int kSide = 28;
    static constexpr int kClasses = 10;

    // "train" or "t10k" from the folder of the four .gz files.
    [[nodiscard]] static std::optional<FashionMnist> load(const QString &folder, const QString &set, QString *error);
    [[nodiscard]] static QString defaultFolder() { return QStringLiteral("/usr/share/datasets/fashion-mnist"); }
    // The session the agent tests train: the small CNN on the CPU, ten classes, 28×28.
    [[nodiscard]] static tandem::protocol::SessionConfig sessionConfig(int batchSize, int channels = 1);

    [[nodiscard]] int count() const { return m_count; }
    [[nodiscard]] const uchar *image(int index) const;
    [[nodiscard]] int label(int index) const { return quint8(m_labels[index]); }

    // Samples first..first+count (wrapping), resized (nearest) to side×side, NHWC uint8 as the wire
    // carries it. With 3 channels the gray value v becomes (v, 255 − v, v / 2), so that every
    // channel differs and a swapped channel order or per-channel normalisation would show.
    [[nodiscard]] tandem::protocol::Batch batch(quint64 seq, quint32 epoch, tandem::protocol::Split split, int first,
                                                int count, int channels = 1, int side = kSide) const;

private:
    int m_count = 0;
    QByteArray m_images; // count × 28 × 28
    QByteArray m_labels; // count
};
