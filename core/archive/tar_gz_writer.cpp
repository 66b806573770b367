#include "tar_gz_writer.h"

#include <QDateTime>
#include <QDir>

#include <archive.h>
#include <archive_entry.h>

namespace tandem {

namespace {
struct EntryDeleter {
    void operator()(archive_entry *e) const { archive_entry_free(e); }
};

la_ssize_t writeCallback(archive *, void *client, const void *buffer, size_t length)
{
    auto *file = static_cast<QSaveFile *>(client);
    const qint64 written = file->write(static_cast<const char *>(buffer), qint64(length));
    return written == qint64(length) ? la_ssize_t(written) : -1;
}

int closeCallback(archive *, void *)
{
    return ARCHIVE_OK; // QSaveFile::commit() decides
}
} // namespace

void TarGzWriter::ArchiveDeleter::operator()(archive *a) const
{
    archive_write_free(a);
}

TarGzWriter::TarGzWriter(const QString &path) : m_file(path), m_now(QDateTime::currentSecsSinceEpoch()) {}

TarGzWriter::~TarGzWriter()
{
    if (m_file.isOpen())
        discard();
}

QString TarGzWriter::open()
{
    if (!m_file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2")
            .arg(QDir::toNativeSeparators(m_file.fileName()), m_file.errorString());
    m_archive.reset(archive_write_new());
    if (archive_write_add_filter_gzip(m_archive.get()) != ARCHIVE_OK ||
        archive_write_set_format_pax_restricted(m_archive.get()) != ARCHIVE_OK ||
        archive_write_open(m_archive.get(), &m_file, nullptr, writeCallback, closeCallback) != ARCHIVE_OK)
        return archiveError(QStringLiteral("cannot start the archive"));
    return {};
}

QString TarGzWriter::add(const QString &pathInArchive, const QByteArray &data, int permissions, qint64 mtimeSecs)
{
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    const QByteArray name = pathInArchive.toUtf8();
    archive_entry_set_pathname(entry.get(), name.constData());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), permissions);
    archive_entry_set_size(entry.get(), data.size());
    archive_entry_set_mtime(entry.get(), time_t(mtimeSecs < 0 ? m_now : mtimeSecs), 0);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    if (archive_write_header(m_archive.get(), entry.get()) != ARCHIVE_OK)
        return archiveError(QStringLiteral("cannot add %1").arg(pathInArchive));
    if (!data.isEmpty() &&
        archive_write_data(m_archive.get(), data.constData(), size_t(data.size())) != la_ssize_t(data.size()))
        return archiveError(QStringLiteral("cannot write %1").arg(pathInArchive));
    return {};
}

QString TarGzWriter::finish()
{
    if (archive_write_close(m_archive.get()) != ARCHIVE_OK)
        return archiveError(QStringLiteral("cannot finish the archive"));
    m_bytes = m_file.size();
    if (!m_file.commit()) {
        m_bytes = 0;
        return QStringLiteral("cannot write %1: %2")
            .arg(QDir::toNativeSeparators(m_file.fileName()), m_file.errorString());
    }
    return {};
}

void TarGzWriter::discard()
{
    m_archive.reset();
    m_file.cancelWriting();
}

QString TarGzWriter::archiveError(const QString &what) const
{
    const char *text = m_archive ? archive_error_string(m_archive.get()) : nullptr;
    return QStringLiteral("%1: %2").arg(what, text ? QString::fromLocal8Bit(text) : QStringLiteral("unknown error"));
}

} // namespace tandem
