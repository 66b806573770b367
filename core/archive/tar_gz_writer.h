// Writes a .tar.gz with libarchive through a QSaveFile: a failed or abandoned archive leaves no
// half-written file behind.
#pragma once

#include <QByteArray>
#include <QSaveFile>
#include <QString>

#include <memory>

struct archive;

namespace tandem {

class TarGzWriter {
public:
    explicit TarGzWriter(const QString &path);
    ~TarGzWriter();
    TarGzWriter(const TarGzWriter &) = delete;
    TarGzWriter &operator=(const TarGzWriter &) = delete;

    // Each returns an empty string on success, else what went wrong.
    [[nodiscard]] QString open();
    // A regular file owned by root:root, with the given permissions and modification time.
    [[nodiscard]] QString add(const QString &pathInArchive, const QByteArray &data, int permissions = 0644,
                              qint64 mtimeSecs = -1);
    [[nodiscard]] QString finish();
    void discard();

    [[nodiscard]] qint64 bytesWritten() const { return m_bytes; }

private:
    struct ArchiveDeleter {
        void operator()(archive *a) const;
    };
    [[nodiscard]] QString archiveError(const QString &what) const;

    QSaveFile m_file;
    std::unique_ptr<archive, ArchiveDeleter> m_archive;
    qint64 m_now;
    qint64 m_bytes = 0;
};

} // namespace tandem
