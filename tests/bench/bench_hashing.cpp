// bench-hashing: images/s for the content hash (XXH3-64 of the bytes) and for the full curation
// hash (content hash + reduced decode + pHash + grey check) over a folder of real photographs, in
// one run, single-threaded and on the thread pool; then the near-duplicate search over N pHashes.
// Prints figures, never gates on time.
//
//   bench-hashing [--repeat R] [--near-n N] [DIR]     (DIR defaults to /usr/share/backgrounds/mate)
#include "curation/duplicate_finder.h"
#include "curation/image_hasher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QThreadPool>

#include <cstdio>
#include <random>

using namespace tandem;

namespace {
constexpr const char *kPhotoRoot = "/usr/share/backgrounds/mate";

QStringList imagesUnder(const QString &root)
{
    QStringList files;
    QDirIterator it(
        root, {QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.png"), QStringLiteral("*.JPG")},
        QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

void report(const char *what, qint64 images, qint64 bytes, qint64 ns)
{
    const double seconds = double(ns) / 1e9;
    std::printf("  %-44s %8.1f images/s  %8.1f MB/s  (%lld images, %.2f s)\n", what, double(images) / seconds,
                double(bytes) / 1e6 / seconds, static_cast<long long>(images), seconds);
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("images/s of content and perceptual hashing"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("repeat"), QStringLiteral("passes over the folder (default 3)"),
                      QStringLiteral("R"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("near-n"), QStringLiteral("pHashes for the near-duplicate search (default 20000)"),
                      QStringLiteral("N"), QStringLiteral("20000")});
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("folder of images (searched recursively)"));
    parser.process(app);
    const QString root = parser.positionalArguments().value(0, QString::fromLatin1(kPhotoRoot));
    const int repeat = std::max(1, parser.value(QStringLiteral("repeat")).toInt());
    const int nearN = std::max(2, parser.value(QStringLiteral("near-n")).toInt());

    const QStringList once = imagesUnder(root);
    if (once.isEmpty()) {
        std::fprintf(stderr, "no images under %s\n", qPrintable(root));
        return 1;
    }
    QStringList paths;
    qint64 bytes = 0;
    for (int r = 0; r < repeat; ++r)
        paths << once;
    for (const QString &path : once)
        bytes += QFileInfo(path).size();
    bytes *= repeat;
    std::printf("bench-hashing: %lld images (%lld files × %d passes, %.1f MB) under %s, %d threads\n",
                static_cast<long long>(paths.size()), static_cast<long long>(once.size()), repeat, double(bytes) / 1e6,
                qPrintable(root), QThreadPool::globalInstance()->maxThreadCount());

    // Warm the page cache so that every figure measures hashing, not the disk.
    for (const QString &path : once)
        (void)ImageHasher::contentHashOfFile(path);

    QElapsedTimer timer;
    timer.start();
    quint64 sink = 0;
    for (const QString &path : paths)
        sink ^= ImageHasher::contentHashOfFile(path);
    report("content hash (read + XXH3), 1 thread", paths.size(), bytes, timer.nsecsElapsed());

    timer.restart();
    int failed = 0;
    for (const QString &path : paths) {
        const ImageHashes h = ImageHasher::hashFile(path);
        sink ^= h.perceptualHash;
        failed += h.ok() ? 0 : 1;
    }
    report("content hash + pHash, 1 thread", paths.size(), bytes, timer.nsecsElapsed());

    timer.restart();
    const std::vector<ImageHashes> all = ImageHasher::hashAll(paths);
    report("content hash + pHash, thread pool (hashAll)", paths.size(), bytes, timer.nsecsElapsed());
    for (const ImageHashes &h : all)
        sink ^= h.contentHash;
    if (failed > 0)
        std::printf("  (%d files could not be decoded)\n", failed);

    // The near-duplicate search is all pairs: time it on random hashes, one entry each.
    DatasetManifest manifest;
    manifest.root = QStringLiteral("/bench");
    manifest.classes = {QStringLiteral("a")};
    std::vector<ImageHashes> hashes(static_cast<size_t>(nearN));
    std::mt19937_64 random(1);
    for (int i = 0; i < nearN; ++i) {
        ManifestEntry entry;
        entry.relativePath = QString::number(i);
        manifest.entries.push_back(entry);
        hashes[size_t(i)].contentHash = random();
        hashes[size_t(i)].perceptualHash = random();
        hashes[size_t(i)].decoded = true;
    }
    timer.restart();
    const std::vector<DuplicateGroup> groups = DuplicateFinder::find(manifest, hashes);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    std::printf("  near-duplicate search over %d pHashes: %.2f s (%zu groups of random hashes; 100,000 ≈ %.0f s)\n",
                nearN, seconds, groups.size(), seconds * (100000.0 / nearN) * (100000.0 / nearN));
    std::printf("  (checksum %016llx)\n", static_cast<unsigned long long>(sink));
    return 0;
}
