// The agent's cache of base images (issue 11, "send each sample once"): the client sends each sample's
// encoded base image once; the agent keeps it here and crops it again every epoch. Free of libtorch: the
// decoded-on-device tier is DeviceImageCache (augment_executor.h).
#pragma once

#include "imagecodec/image_codec.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>
#include <QVector>
#include <QtGlobal>

#include <list>
#include <optional>

namespace tandem::agent {

// Which sample, preprocessed how: the XXH3-64 of the source file's bytes (the wire's content id) and a
// fingerprint of the base preprocessing (base size, colour, orientation...). An entry is found only under
// the very key it was inserted with, so a base image made for other settings is never trained on.
struct SampleKey {
    quint64 contentId = 0;
    quint64 fingerprint = 0;

    [[nodiscard]] bool operator==(const SampleKey &other) const
    {
        return contentId == other.contentId && fingerprint == other.fingerprint;
    }
};

[[nodiscard]] inline size_t qHash(const SampleKey &key, size_t seed = 0)
{
    return ::qHash(key.contentId ^ (key.fingerprint * 0x9E3779B97F4A7C15ULL), seed);
}

// One encoded base image as it came over the wire.
struct CachedImage {
    ImageCodec::Codec codec = ImageCodec::Codec::Raw;
    int width = 0;
    int height = 0;
    int channels = 0; // 1 or 3
    QByteArray bytes; // the encoded payload

    [[nodiscard]] ExpectedImage expected() const { return {width, height, channels}; }
};

struct SampleCacheOptions {
    qint64 ramBytes = 0;  // host-RAM budget for encoded bytes; 0: defaultRamBytes()
    QString diskDir;      // empty: no disk tier
    qint64 diskBytes = 0; // disk budget; 0: half of what the folder's filesystem has free at start, plus
                          // what the folder already holds
};

struct SampleCacheStats {
    quint64 hits = 0;      // find() answered (either tier)
    quint64 diskHits = 0;  // ...of which from disk (then promoted to RAM)
    quint64 misses = 0;    // find() found nothing (including dropped corrupt entries)
    quint64 inserts = 0;   // insert() calls that stored something
    quint64 evictions = 0; // entries pushed out of a tier by its budget (RAM and disk together)
    quint64 corrupt = 0;   // entries whose checksum or header did not match: dropped, reported missing
    quint64 diskWriteErrors = 0;
    qint64 ramBytes = 0; // encoded bytes held in RAM now
    qint64 ramEntries = 0;
    qint64 diskBytes = 0; // file bytes in the disk tier now
    qint64 diskEntries = 0;
};

// Thread-safe (one mutex; disk reads and writes happen under it too, which is fine while one session's
// receiver and loader are its only users). LRU eviction in each tier; RAM and disk are inclusive (an
// insert writes both; a disk hit is copied back to RAM).
//
// Disk files are "<fingerprint>-<contentId>.tsc" (16 hex digits each): a 48-byte header (magic, version,
// key, codec, channels, width, height, payload size, checksum) and the payload. They are written with
// QSaveFile (a temporary in the same folder, fsync, rename), so a crash leaves the old file or none;
// start-up rebuilds the index from the headers and each read checks the checksum again.
class SampleCache {
public:
    explicit SampleCache(const SampleCacheOptions &options);

    // Empty when the cache is usable; else why the disk tier is off (the RAM tier works regardless).
    [[nodiscard]] QString diskError() const;
    // One line for the agent's start-up output: budgets, folder, entries found on disk.
    [[nodiscard]] QString describe() const;

    // Stores (or replaces) the entry. False only for an empty payload or a bad shape; an entry larger than
    // the RAM budget goes to disk only.
    bool insert(const SampleKey &key, const CachedImage &image);
    // The entry when present and intact. A corrupt one (checksum, header) is removed, counted in
    // stats().corrupt and reported missing, so that the client sends it again.
    [[nodiscard]] std::optional<CachedImage> find(const SampleKey &key);
    // Whether each content id is held for this fingerprint (either tier; checksums are checked on find).
    [[nodiscard]] QVector<bool> contains(quint64 fingerprint, const QVector<quint64> &contentIds) const;
    // The same as a bitmap in the epoch plan's order: bit i (byte i / 8, bit i % 8, least significant
    // first) is set when contentIds[i] is held; ceil(n / 8) bytes.
    [[nodiscard]] QByteArray presenceBitmap(quint64 fingerprint, const QVector<quint64> &contentIds) const;
    void remove(const SampleKey &key);

    [[nodiscard]] SampleCacheStats stats() const;
    [[nodiscard]] qint64 ramBudget() const { return m_ramBudget; }
    [[nodiscard]] qint64 diskBudget() const { return m_diskBudget; }

    // A share (a quarter) of /proc/meminfo's MemAvailable, at least 64 MiB; 1 GiB when it cannot be read.
    [[nodiscard]] static qint64 defaultRamBytes();
    [[nodiscard]] static std::optional<qint64> memAvailableBytes();
    // The checksum kept with an entry: XXH3-64 over the key, codec, shape and payload.
    [[nodiscard]] static quint64 checksum(const SampleKey &key, const CachedImage &image);
    [[nodiscard]] static QString fileName(const SampleKey &key);

    // For tests of the corruption path only: flips the bits of one payload byte held in RAM (the entry's
    // checksum is kept), as a memory fault would. False when the entry is not in RAM or offset is outside.
    bool damageInRamForTesting(const SampleKey &key, qsizetype offset);

private:
    struct RamEntry {
        CachedImage image;
        quint64 checksum = 0;
        std::list<SampleKey>::iterator lru;
    };
    struct DiskEntry {
        qint64 fileBytes = 0;
        std::list<SampleKey>::iterator lru;
    };

    void putInRamLocked(const SampleKey &key, const CachedImage &image, quint64 sum);
    void dropFromRamLocked(const SampleKey &key);
    void dropFromDiskLocked(const SampleKey &key, bool deleteFile);
    bool writeToDiskLocked(const SampleKey &key, const CachedImage &image, quint64 sum);
    std::optional<CachedImage> readFromDiskLocked(const SampleKey &key);
    void openDisk(const SampleCacheOptions &options);
    [[nodiscard]] QString pathOf(const SampleKey &key) const;

    mutable QMutex m_mutex;
    qint64 m_ramBudget = 0;
    qint64 m_diskBudget = 0;
    QString m_diskDir; // empty: no disk tier
    QString m_diskError;
    qint64 m_diskFoundAtStart = 0;
    QHash<SampleKey, RamEntry> m_ram;
    std::list<SampleKey> m_ramLru; // front: most recently used
    QHash<SampleKey, DiskEntry> m_disk;
    std::list<SampleKey> m_diskLru;
    SampleCacheStats m_stats;
};

} // namespace tandem::agent
