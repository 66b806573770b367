#include "sample_cache.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutexLocker>
#include <QSaveFile>
#include <QStorageInfo>
#include <QtEndian>

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace tandem::agent {

namespace {

constexpr char kMagic[4] = {'T', 'S', 'C', '1'};
constexpr quint32 kVersion = 1;
constexpr qsizetype kHeaderBytes = 48;
constexpr qint64 kMinDefaultRam = 64LL << 20;
constexpr qint64 kFallbackRam = 1LL << 30;
const QString kSuffix = QStringLiteral(".tsc");

// The fields the checksum covers besides the payload, little-endian, as the disk header stores them.
void putKeyAndShape(uchar *out, const SampleKey &key, const CachedImage &image)
{
    qToLittleEndian<quint64>(key.contentId, out);
    qToLittleEndian<quint64>(key.fingerprint, out + 8);
    out[16] = uchar(image.codec);
    out[17] = uchar(image.channels);
    out[18] = 0;
    out[19] = 0;
    qToLittleEndian<quint32>(quint32(image.width), out + 20);
    qToLittleEndian<quint32>(quint32(image.height), out + 24);
}

bool validShape(const CachedImage &image)
{
    return (image.channels == 1 || image.channels == 3) && image.width > 0 && image.height > 0 &&
           image.width <= 65535 && image.height <= 65535 && !image.bytes.isEmpty() &&
           quint64(image.bytes.size()) <= 0xFFFFFFFFULL &&
           (image.codec == ImageCodec::Codec::Raw || image.codec == ImageCodec::Codec::Lossless ||
            image.codec == ImageCodec::Codec::Jpeg);
}

bool parseFileName(const QString &name, SampleKey *key)
{
    // "<16 hex>-<16 hex>.tsc"
    if (name.size() != 16 + 1 + 16 + kSuffix.size() || !name.endsWith(kSuffix) || name.at(16) != QLatin1Char('-'))
        return false;
    bool okF = false;
    bool okC = false;
    key->fingerprint = name.left(16).toULongLong(&okF, 16);
    key->contentId = name.mid(17, 16).toULongLong(&okC, 16);
    return okF && okC;
}

struct Header {
    SampleKey key;
    CachedImage shape; // bytes empty
    quint32 payloadBytes = 0;
    quint64 checksum = 0;
};

std::optional<Header> parseHeader(const QByteArray &bytes)
{
    if (bytes.size() < kHeaderBytes || std::memcmp(bytes.constData(), kMagic, 4) != 0)
        return std::nullopt;
    const auto *p = reinterpret_cast<const uchar *>(bytes.constData());
    if (qFromLittleEndian<quint32>(p + 4) != kVersion)
        return std::nullopt;
    Header h;
    h.key.contentId = qFromLittleEndian<quint64>(p + 8);
    h.key.fingerprint = qFromLittleEndian<quint64>(p + 16);
    h.shape.codec = ImageCodec::Codec(p[24]);
    h.shape.channels = p[25];
    h.shape.width = int(qFromLittleEndian<quint32>(p + 28));
    h.shape.height = int(qFromLittleEndian<quint32>(p + 32));
    h.payloadBytes = qFromLittleEndian<quint32>(p + 36);
    h.checksum = qFromLittleEndian<quint64>(p + 40);
    return h;
}

} // namespace

SampleCache::SampleCache(const SampleCacheOptions &options)
    : m_ramBudget(options.ramBytes > 0 ? options.ramBytes : defaultRamBytes())
{
    if (!options.diskDir.isEmpty())
        openDisk(options);
}

std::optional<qint64> SampleCache::memAvailableBytes()
{
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (!meminfo.open(QIODevice::ReadOnly | QIODevice::Text))
        return std::nullopt;
    // readAll(), not atEnd(): /proc files report a size of 0.
    const QList<QByteArray> lines = meminfo.readAll().split('\n');
    for (const QByteArray &raw : lines) {
        const QByteArray line = raw.simplified();
        if (!line.startsWith("MemAvailable:"))
            continue;
        const QList<QByteArray> parts = line.split(' ');
        bool ok = false;
        const qint64 kib = parts.size() >= 2 ? parts.at(1).toLongLong(&ok) : 0;
        if (ok && kib > 0)
            return kib * 1024;
    }
    return std::nullopt;
}

qint64 SampleCache::defaultRamBytes()
{
    const std::optional<qint64> available = memAvailableBytes();
    if (!available)
        return kFallbackRam;
    return std::max(kMinDefaultRam, *available / 4);
}

quint64 SampleCache::checksum(const SampleKey &key, const CachedImage &image)
{
    uchar fields[28];
    putKeyAndShape(fields, key, image);
    XXH3_state_t *state = XXH3_createState();
    XXH3_64bits_reset(state);
    XXH3_64bits_update(state, fields, sizeof fields);
    XXH3_64bits_update(state, image.bytes.constData(), size_t(image.bytes.size()));
    const quint64 sum = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    return sum;
}

QString SampleCache::fileName(const SampleKey &key)
{
    return QStringLiteral("%1-%2")
               .arg(key.fingerprint, 16, 16, QLatin1Char('0'))
               .arg(key.contentId, 16, 16, QLatin1Char('0')) +
           kSuffix;
}

QString SampleCache::pathOf(const SampleKey &key) const
{
    return m_diskDir + QLatin1Char('/') + fileName(key);
}

void SampleCache::openDisk(const SampleCacheOptions &options)
{
    QDir dir(options.diskDir);
    if (!dir.mkpath(QStringLiteral("."))) {
        m_diskError = QStringLiteral("cannot create the cache folder %1").arg(QDir::toNativeSeparators(dir.path()));
        return;
    }
    const QString absolute = dir.absolutePath();
    {
        QFile probe(absolute + QStringLiteral("/.write-test"));
        if (!probe.open(QIODevice::WriteOnly)) {
            m_diskError = QStringLiteral("cannot write in the cache folder %1: %2")
                              .arg(QDir::toNativeSeparators(absolute), probe.errorString());
            return;
        }
        probe.close();
        probe.remove();
    }
    // Rebuild the index from the headers, oldest modification first (the LRU order they had, as well as
    // the files tell it). Anything else the cache wrote (a temporary left by a crash) is removed.
    struct Found {
        SampleKey key;
        qint64 bytes;
        QDateTime modified;
    };
    std::vector<Found> found;
    qint64 held = 0;
    const QFileInfoList entries = dir.entryInfoList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QFileInfo &info : entries) {
        SampleKey key;
        if (!parseFileName(info.fileName(), &key)) {
            if (info.fileName().contains(kSuffix)) // QSaveFile's temporaries are "<name>.tsc.XXXXXX"
                QFile::remove(info.filePath());
            continue;
        }
        QFile file(info.filePath());
        std::optional<Header> header;
        if (file.open(QIODevice::ReadOnly))
            header = parseHeader(file.read(kHeaderBytes));
        if (!header || !(header->key == key) || kHeaderBytes + qint64(header->payloadBytes) != info.size()) {
            file.close();
            QFile::remove(info.filePath());
            ++m_stats.corrupt;
            continue;
        }
        found.push_back({key, info.size(), info.lastModified()});
        held += info.size();
    }
    std::sort(found.begin(), found.end(), [](const Found &a, const Found &b) { return a.modified > b.modified; });
    m_diskDir = absolute;
    for (const Found &f : found) {
        m_diskLru.push_back(f.key);
        m_disk.insert(f.key, DiskEntry{f.bytes, std::prev(m_diskLru.end())});
        m_stats.diskBytes += f.bytes;
    }
    m_stats.diskEntries = qint64(m_disk.size());
    m_diskFoundAtStart = m_stats.diskEntries;
    if (options.diskBytes > 0) {
        m_diskBudget = options.diskBytes;
    } else {
        const QStorageInfo storage(absolute);
        m_diskBudget = held + std::max<qint64>(0, storage.bytesAvailable()) / 2;
    }
    while (m_stats.diskBytes > m_diskBudget && !m_diskLru.empty()) {
        dropFromDiskLocked(m_diskLru.back(), true);
        ++m_stats.evictions;
    }
}

QString SampleCache::diskError() const
{
    QMutexLocker lock(&m_mutex);
    return m_diskError;
}

QString SampleCache::describe() const
{
    QMutexLocker lock(&m_mutex);
    const auto mib = [](qint64 bytes) { return QString::number(double(bytes) / double(1 << 20), 'f', 0); };
    const std::optional<qint64> available = memAvailableBytes();
    QString text = QStringLiteral("sample cache: %1 MiB of RAM").arg(mib(m_ramBudget));
    if (available)
        text += QStringLiteral(" (MemAvailable %1 MiB)").arg(mib(*available));
    if (!m_diskDir.isEmpty())
        text += QStringLiteral(", disk %1 (%2 MiB budget, %3 base images found)")
                    .arg(QDir::toNativeSeparators(m_diskDir), mib(m_diskBudget))
                    .arg(m_diskFoundAtStart);
    else if (!m_diskError.isEmpty())
        text += QStringLiteral(", no disk tier: ") + m_diskError;
    return text;
}

void SampleCache::putInRamLocked(const SampleKey &key, const CachedImage &image, quint64 sum)
{
    dropFromRamLocked(key);
    const qint64 bytes = image.bytes.size();
    if (bytes > m_ramBudget)
        return;
    while (m_stats.ramBytes + bytes > m_ramBudget && !m_ramLru.empty()) {
        dropFromRamLocked(m_ramLru.back());
        ++m_stats.evictions;
    }
    m_ramLru.push_front(key);
    m_ram.insert(key, RamEntry{image, sum, m_ramLru.begin()});
    m_stats.ramBytes += bytes;
    m_stats.ramEntries = qint64(m_ram.size());
}

void SampleCache::dropFromRamLocked(const SampleKey &key)
{
    const auto it = m_ram.find(key);
    if (it == m_ram.end())
        return;
    m_stats.ramBytes -= it->image.bytes.size();
    m_ramLru.erase(it->lru);
    m_ram.erase(it);
    m_stats.ramEntries = qint64(m_ram.size());
}

void SampleCache::dropFromDiskLocked(const SampleKey &key, bool deleteFile)
{
    const auto it = m_disk.find(key);
    if (it == m_disk.end())
        return;
    m_stats.diskBytes -= it->fileBytes;
    m_diskLru.erase(it->lru);
    m_disk.erase(it);
    m_stats.diskEntries = qint64(m_disk.size());
    if (deleteFile)
        QFile::remove(pathOf(key));
}

bool SampleCache::writeToDiskLocked(const SampleKey &key, const CachedImage &image, quint64 sum)
{
    const qint64 fileBytes = kHeaderBytes + image.bytes.size();
    dropFromDiskLocked(key, false); // replaced below, or removed if the write fails
    if (fileBytes > m_diskBudget)
        return false;
    while (m_stats.diskBytes + fileBytes > m_diskBudget && !m_diskLru.empty()) {
        dropFromDiskLocked(m_diskLru.back(), true);
        ++m_stats.evictions;
    }
    QByteArray header(kHeaderBytes, '\0');
    auto *p = reinterpret_cast<uchar *>(header.data());
    std::memcpy(p, kMagic, 4);
    qToLittleEndian<quint32>(kVersion, p + 4);
    qToLittleEndian<quint64>(key.contentId, p + 8);
    qToLittleEndian<quint64>(key.fingerprint, p + 16);
    p[24] = uchar(image.codec);
    p[25] = uchar(image.channels);
    qToLittleEndian<quint32>(quint32(image.width), p + 28);
    qToLittleEndian<quint32>(quint32(image.height), p + 32);
    qToLittleEndian<quint32>(quint32(image.bytes.size()), p + 36);
    qToLittleEndian<quint64>(sum, p + 40);
    // QSaveFile: a temporary in the same folder, fsync'd and renamed over the name on commit().
    QSaveFile file(pathOf(key));
    const bool ok = file.open(QIODevice::WriteOnly) && file.write(header) == header.size() &&
                    file.write(image.bytes) == image.bytes.size() && file.commit();
    if (!ok) {
        file.cancelWriting();
        QFile::remove(pathOf(key));
        ++m_stats.diskWriteErrors;
        return false;
    }
    m_diskLru.push_front(key);
    m_disk.insert(key, DiskEntry{fileBytes, m_diskLru.begin()});
    m_stats.diskBytes += fileBytes;
    m_stats.diskEntries = qint64(m_disk.size());
    return true;
}

std::optional<CachedImage> SampleCache::readFromDiskLocked(const SampleKey &key)
{
    QFile file(pathOf(key));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray all = file.readAll();
    const std::optional<Header> header = parseHeader(all);
    if (!header || !(header->key == key) || all.size() != kHeaderBytes + qint64(header->payloadBytes))
        return std::nullopt;
    CachedImage image = header->shape;
    image.bytes = all.mid(kHeaderBytes);
    if (!validShape(image) || checksum(key, image) != header->checksum)
        return std::nullopt;
    return image;
}

bool SampleCache::insert(const SampleKey &key, const CachedImage &image)
{
    if (!validShape(image))
        return false;
    const quint64 sum = checksum(key, image);
    QMutexLocker lock(&m_mutex);
    putInRamLocked(key, image, sum);
    bool stored = m_ram.contains(key);
    if (!m_diskDir.isEmpty())
        stored = writeToDiskLocked(key, image, sum) || stored;
    if (stored)
        ++m_stats.inserts;
    return true;
}

std::optional<CachedImage> SampleCache::find(const SampleKey &key)
{
    QMutexLocker lock(&m_mutex);
    if (const auto it = m_ram.find(key); it != m_ram.end()) {
        if (checksum(key, it->image) == it->checksum) {
            m_ramLru.splice(m_ramLru.begin(), m_ramLru, it->lru);
            if (const auto disk = m_disk.find(key); disk != m_disk.end())
                m_diskLru.splice(m_diskLru.begin(), m_diskLru, disk->lru);
            ++m_stats.hits;
            return it->image;
        }
        // A fault in RAM: the disk copy (if any) is checked on its own below.
        dropFromRamLocked(key);
        ++m_stats.corrupt;
    }
    if (const auto disk = m_disk.find(key); disk != m_disk.end()) {
        std::optional<CachedImage> image = readFromDiskLocked(key);
        if (image) {
            m_diskLru.splice(m_diskLru.begin(), m_diskLru, disk->lru);
            putInRamLocked(key, *image, checksum(key, *image));
            ++m_stats.hits;
            ++m_stats.diskHits;
            return image;
        }
        dropFromDiskLocked(key, true);
        ++m_stats.corrupt;
    }
    ++m_stats.misses;
    return std::nullopt;
}

QVector<bool> SampleCache::contains(quint64 fingerprint, const QVector<quint64> &contentIds) const
{
    QMutexLocker lock(&m_mutex);
    QVector<bool> held(contentIds.size(), false);
    for (qsizetype i = 0; i < contentIds.size(); ++i) {
        const SampleKey key{contentIds[i], fingerprint};
        held[i] = m_ram.contains(key) || m_disk.contains(key);
    }
    return held;
}

QByteArray SampleCache::presenceBitmap(quint64 fingerprint, const QVector<quint64> &contentIds) const
{
    const QVector<bool> held = contains(fingerprint, contentIds);
    QByteArray bitmap((held.size() + 7) / 8, '\0');
    for (qsizetype i = 0; i < held.size(); ++i)
        if (held[i])
            bitmap[i / 8] = char(uchar(bitmap[i / 8]) | (1U << (i % 8)));
    return bitmap;
}

void SampleCache::remove(const SampleKey &key)
{
    QMutexLocker lock(&m_mutex);
    dropFromRamLocked(key);
    dropFromDiskLocked(key, true);
}

SampleCacheStats SampleCache::stats() const
{
    QMutexLocker lock(&m_mutex);
    return m_stats;
}

bool SampleCache::damageInRamForTesting(const SampleKey &key, qsizetype offset)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_ram.find(key);
    if (it == m_ram.end() || offset < 0 || offset >= it->image.bytes.size())
        return false;
    QByteArray &bytes = it->image.bytes; // detaches from any copy handed out: only the cache's copy changes
    bytes[offset] = char(~uchar(bytes[offset]));
    return true;
}

} // namespace tandem::agent
