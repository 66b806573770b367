// bench-preprocess: images/s of the preprocessing pool against a naive OpenCV baseline measured in
// the same run, and optionally against torchvision's ImageFolder + DataLoader. Never a timed test.
//
//   bench-preprocess [--size 224] [--threads N] [--repeat R] [--batch B] [--torchvision] [DIR]
//
// Without DIR, a folder of real photographs is built from Debian's mate-backgrounds (one class per
// subfolder, each JPEG linked several times to reach at least 256 files).
#include "dataset/dataset_index.h"
#include "preprocess/image_probe.h"
#include "preprocess/preprocess_options.h"
#include "preprocess/preprocess_pool.h"
#include "common/stage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>

#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <ctime>

#include <sys/resource.h>
#include <optional>

using namespace tandem;

namespace {
constexpr const char *kPhotoRoot = "/usr/share/backgrounds/mate";
constexpr int kMinimumImages = 256;

struct Settings {
    QString dir;
    int size = 224;
    int threads = 0;
    int repeat = 2;
    int batch = 64;
    bool torchvision = false;
};

double seconds(qint64 ns)
{
    return double(ns) / 1e9;
}

// CPU time of the whole process (all threads, OpenCV's included): unlike wall time, it does not
// depend on what else the machine is running.
qint64 processCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// Builds DIR/<subfolder>/<photo>-<k>.jpg links to every JPEG under kPhotoRoot.
QString buildPhotoFolder(const QString &target)
{
    QStringList photos;
    QDirIterator it(QString::fromLatin1(kPhotoRoot), {QStringLiteral("*.jpg"), QStringLiteral("*.jpeg")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        photos << it.next();
    photos.sort();
    if (photos.isEmpty())
        return {};
    const int copies = (kMinimumImages + int(photos.size()) - 1) / int(photos.size());
    for (const QString &photo : photos) {
        const QFileInfo info(photo);
        const QString classDir = QDir(target).filePath(info.dir().dirName());
        QDir().mkpath(classDir);
        for (int k = 0; k < copies; ++k) {
            const QString link =
                QDir(classDir).filePath(QStringLiteral("%1-%2.jpg").arg(info.completeBaseName()).arg(k));
            if (!QFile::link(photo, link) && !QFile::copy(photo, link))
                return {};
        }
    }
    return target;
}

// Reads every file once so that both methods find them in the page cache.
qint64 warmUp(const std::vector<SampleRef> &samples)
{
    qint64 bytes = 0;
    for (const SampleRef &sample : samples) {
        QFile file(sample.path);
        if (file.open(QIODevice::ReadOnly))
            bytes += file.readAll().size();
    }
    return bytes;
}

struct Measured {
    qint64 images = 0;
    qint64 elapsedNs = 0;
    qint64 cpuNs = 0;
    qint64 failures = 0;
    qint64 readNs = 0, decodeNs = 0, transformNs = 0; // pool only: busy time summed over threads

    [[nodiscard]] double perSecond() const { return elapsedNs > 0 ? double(images) / seconds(elapsedNs) : 0; }
    [[nodiscard]] double cpuMsPerImage() const { return images > 0 ? double(cpuNs) / 1e6 / double(images) : 0; }
    void add(const Measured &other)
    {
        images += other.images;
        elapsedNs += other.elapsedNs;
        cpuNs += other.cpuNs;
        failures += other.failures;
        readNs += other.readNs;
        decodeNs += other.decodeNs;
        transformNs += other.transformNs;
    }
};

Measured runPool(PreprocessPool &pool, const std::vector<SampleRef> &samples, const Settings &settings)
{
    PreprocessOptions options;
    options.width = settings.size;
    options.height = settings.size;
    options.crop = PreprocessOptions::Crop::RandomResized;
    options.horizontalFlip = true;
    options.reducedDecode = true;
    Measured measured;
    const qint64 cpuStart = processCpuNs();
    const qint64 start = protocol::monotonicNs();
    for (int epoch = 0; epoch < settings.repeat; ++epoch) {
        for (size_t first = 0; first < samples.size(); first += size_t(settings.batch)) {
            const std::vector<SampleRef> batch(samples.begin() + qsizetype(first),
                                               samples.begin() +
                                                   qsizetype(std::min(samples.size(), first + size_t(settings.batch))));
            const PreparedBatch prepared = pool.processBatch(batch, options, quint64(epoch));
            measured.images += prepared.count();
            measured.failures += qint64(prepared.failures.size());
            measured.readNs += prepared.readBusyNs;
            measured.decodeNs += prepared.decodeBusyNs;
            measured.transformNs += prepared.transformBusyNs;
        }
    }
    measured.elapsedNs = protocol::monotonicNs() - start;
    measured.cpuNs = processCpuNs() - cpuStart;
    return measured;
}

// The straightforward way: one thread, full decode, INTER_AREA to the shorter side, centre crop.
Measured runNaive(const std::vector<SampleRef> &samples, const Settings &settings)
{
    const int previousThreads = cv::getNumThreads();
    cv::setNumThreads(1); // one thread really means one: no OpenCV (TBB) helpers either
    const int size = settings.size;
    std::vector<uchar> output(size_t(size) * size * 3);
    Measured measured;
    const qint64 cpuStart = processCpuNs();
    const qint64 start = protocol::monotonicNs();
    for (int epoch = 0; epoch < settings.repeat; ++epoch) {
        for (const SampleRef &sample : samples) {
            QFile file(sample.path);
            if (!file.open(QIODevice::ReadOnly)) {
                ++measured.failures;
                continue;
            }
            const QByteArray bytes = file.readAll();
            const cv::Mat raw(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData()));
            const cv::Mat decoded = cv::imdecode(raw, cv::IMREAD_COLOR);
            if (decoded.empty()) {
                ++measured.failures;
                continue;
            }
            const double scale = double(size) / std::min(decoded.cols, decoded.rows);
            cv::Mat resized;
            cv::resize(decoded, resized,
                       cv::Size(std::max(size, int(std::lround(decoded.cols * scale))),
                                std::max(size, int(std::lround(decoded.rows * scale)))),
                       0, 0, cv::INTER_AREA);
            const cv::Rect crop((resized.cols - size) / 2, (resized.rows - size) / 2, size, size);
            cv::Mat out(size, size, CV_8UC3, output.data());
            cv::cvtColor(resized(crop), out, cv::COLOR_BGR2RGB);
            ++measured.images;
        }
    }
    measured.elapsedNs = protocol::monotonicNs() - start;
    measured.cpuNs = processCpuNs() - cpuStart;
    cv::setNumThreads(previousThreads);
    return measured;
}

// Images by kind: reduced JPEG decoding saves much on baseline JPEGs and little on progressive
// ones, whose entropy decoding (all of it, at any scale) dominates.
struct Group {
    const char *name;
    std::vector<SampleRef> samples;
};

std::vector<Group> groupByKind(const std::vector<SampleRef> &samples)
{
    std::vector<Group> groups{{"baseline JPEG", {}}, {"progressive JPEG", {}}, {"other formats", {}}};
    for (const SampleRef &sample : samples) {
        QFile file(sample.path);
        const QByteArray head = file.open(QIODevice::ReadOnly) ? file.read(256 * 1024) : QByteArray();
        const ImageHeader header = ImageProbe::probe(head);
        const size_t group = header.format != ImageFormat::Jpeg ? 2 : header.progressive ? 1 : 0;
        groups[group].samples.push_back(sample);
    }
    return groups;
}

struct TorchFigures {
    double imagesPerSecond = 0;
    double cpuMsPerImage = 0; // python and its DataLoader workers
};

qint64 childrenCpuNs()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    auto ns = [](const timeval &t) { return qint64(t.tv_sec) * 1'000'000'000 + qint64(t.tv_usec) * 1000; };
    return ns(usage.ru_utime) + ns(usage.ru_stime);
}

std::optional<TorchFigures> runTorchvision(const Settings &settings, QString &detail)
{
    const QString script = QStringLiteral(TANDEM_BENCH_DIR "/torchvision_baseline.py");
    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    const qint64 cpuStart = childrenCpuNs();
    python.start(QStringLiteral("/usr/bin/python3"), {script, settings.dir, QString::number(settings.size),
                                                      QStringLiteral("2"), QString::number(settings.repeat)});
    if (!python.waitForStarted(10'000)) {
        detail = QStringLiteral("cannot start /usr/bin/python3");
        return std::nullopt;
    }
    python.waitForFinished(-1);
    const qint64 cpu = childrenCpuNs() - cpuStart; // includes the DataLoader worker processes
    const QString output = QString::fromUtf8(python.readAll()).trimmed();
    detail = output.section(QLatin1Char('\n'), -1);
    const QRegularExpressionMatch match =
        QRegularExpression(QStringLiteral("([0-9]+) images in [0-9.]+s = ([0-9.]+) img/s")).match(detail);
    if (python.exitCode() != 0 || !match.hasMatch()) {
        detail = output.right(600);
        return std::nullopt;
    }
    TorchFigures figures;
    figures.imagesPerSecond = match.captured(2).toDouble();
    const double images = match.captured(1).toDouble();
    figures.cpuMsPerImage = images > 0 ? double(cpu) / 1e6 / images : 0;
    return figures;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench-preprocess"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Preprocessing throughput: the pool against a naive baseline."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("DIR"),
                                 QStringLiteral("class-per-folder image tree (default: photos from mate-backgrounds)"),
                                 QStringLiteral("[DIR]"));
    const QCommandLineOption sizeOption(QStringLiteral("size"), QStringLiteral("output side (default 224)"),
                                        QStringLiteral("px"), QStringLiteral("224"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"),
                                           QStringLiteral("pool threads (default: all cores)"), QStringLiteral("N"),
                                           QStringLiteral("0"));
    const QCommandLineOption repeatOption(QStringLiteral("repeat"),
                                          QStringLiteral("passes over the images (default 2)"), QStringLiteral("R"),
                                          QStringLiteral("2"));
    const QCommandLineOption batchOption(QStringLiteral("batch"), QStringLiteral("batch size (default 64)"),
                                         QStringLiteral("B"), QStringLiteral("64"));
    const QCommandLineOption torchOption(QStringLiteral("torchvision"),
                                         QStringLiteral("also run torchvision's ImageFolder + DataLoader (2 workers)"));
    parser.addOptions({sizeOption, threadsOption, repeatOption, batchOption, torchOption});
    parser.process(app);

    Settings settings;
    settings.size = std::clamp(parser.value(sizeOption).toInt(), 8, PreprocessOptions::kMaxSide);
    settings.threads = std::max(0, parser.value(threadsOption).toInt());
    settings.repeat = std::max(1, parser.value(repeatOption).toInt());
    settings.batch = std::max(1, parser.value(batchOption).toInt());
    settings.torchvision = parser.isSet(torchOption);

    QTemporaryDir temporary;
    if (!parser.positionalArguments().isEmpty()) {
        settings.dir = parser.positionalArguments().constFirst();
    } else {
        settings.dir = buildPhotoFolder(temporary.path());
        if (settings.dir.isEmpty()) {
            std::fprintf(stderr, "no photos under %s: apt-get install mate-backgrounds, or give a DIR\n", kPhotoRoot);
            return 1;
        }
    }

    const DatasetIndex index = DatasetIndex::scan(settings.dir, {0.0, 0, 0});
    if (!index.error().isEmpty() || index.samples().empty()) {
        std::fprintf(
            stderr, "%s\n",
            qPrintable(index.error().isEmpty() ? QStringLiteral("no images in ") + settings.dir : index.error()));
        return 1;
    }
    std::vector<SampleRef> samples;
    for (size_t i = 0; i < index.samples().size(); ++i)
        samples.push_back({index.samples()[i].path, index.samples()[i].label, quint64(i)});
    const qint64 bytes = warmUp(samples);
    const int threads = settings.threads > 0 ? settings.threads : std::max(1, QThread::idealThreadCount());

    std::printf(
        "bench-preprocess: %zu images (%.1f MiB) in %s, %zu classes, output %d×%d RGB, %d pass(es), %d CPU threads\n",
        samples.size(), double(bytes) / (1 << 20), qPrintable(settings.dir), size_t(index.classNames().size()),
        settings.size, settings.size, settings.repeat, QThread::idealThreadCount());
    std::fflush(stdout);

    PreprocessPool pool(settings.threads);
    const std::vector<Group> groups = groupByKind(samples);
    Measured poolAll;
    Measured naiveAll;
    std::vector<std::pair<Measured, Measured>> byGroup;
    for (const Group &group : groups) {
        if (group.samples.empty()) {
            byGroup.emplace_back();
            continue;
        }
        const Measured byPool = runPool(pool, group.samples, settings);
        const Measured byNaive = runNaive(group.samples, settings);
        poolAll.add(byPool);
        naiveAll.add(byNaive);
        byGroup.emplace_back(byPool, byNaive);
    }
    const double naive = naiveAll.perSecond();
    const double poolRate = poolAll.perSecond();

    std::printf("\n%-72s %10s %10s\n", "method (all images)", "images/s", "vs naive");
    std::printf("%-72s %10.1f %9.2f×\n", "naive: 1 thread, full decode, INTER_AREA shorter side, centre crop", naive,
                1.0);
    const QString poolLabel =
        QStringLiteral("tandem pool: %1 threads, reduced decode, RandomResizedCrop + flip").arg(threads);
    std::printf("%-72s %10.1f %9.2f×\n", qPrintable(poolLabel), poolRate, poolRate / naive);
    int status = 0;
    std::optional<TorchFigures> torch;
    if (settings.torchvision) {
        QString detail;
        torch = runTorchvision(settings, detail);
        if (torch) {
            std::printf("%-72s %10.1f %9.2f×\n",
                        "torchvision: ImageFolder + DataLoader, 2 workers, RandomResizedCrop + flip",
                        torch->imagesPerSecond, torch->imagesPerSecond / naive);
        } else {
            std::printf("\ntorchvision baseline failed: %s\n", qPrintable(detail));
            status = 1;
        }
    }
    std::printf("\npool / naive: %.2f× (target ≥ 3× on 2 cores)\n", poolRate / naive);
    if (torch)
        std::printf("pool / torchvision: %.2f× (target ≥ 5×)\n", poolRate / torch->imagesPerSecond);

    std::printf("\n%-24s %8s %14s %14s %10s %16s %16s\n", "by kind", "images", "naive img/s", "pool img/s",
                "pool/naive", "naive CPU ms/img", "pool CPU ms/img");
    for (size_t i = 0; i < groups.size(); ++i) {
        if (groups[i].samples.empty())
            continue;
        const auto &[byPool, byNaive] = byGroup[i];
        std::printf("%-24s %8zu %14.1f %14.1f %9.2f× %16.1f %16.1f\n", groups[i].name, groups[i].samples.size(),
                    byNaive.perSecond(), byPool.perSecond(), byPool.perSecond() / byNaive.perSecond(),
                    byNaive.cpuMsPerImage(), byPool.cpuMsPerImage());
    }
    std::printf("%-24s %8zu %14.1f %14.1f %9.2f× %16.1f %16.1f\n", "all", samples.size(), naive, poolRate,
                poolRate / naive, naiveAll.cpuMsPerImage(), poolAll.cpuMsPerImage());
    // Wall-clock figures need otherwise idle cores; CPU time shows the work saved regardless.
    std::printf(
        "CPU work per image, naive / pool: %.2f× (with %d idle cores the pool's rate can reach about %d× that ratio)\n",
        naiveAll.cpuMsPerImage() / poolAll.cpuMsPerImage(), threads, threads);
    if (torch) {
        std::printf("CPU work per image, torchvision / pool: %.2f× (torchvision %.1f ms/img, its processes together)\n",
                    torch->cpuMsPerImage / poolAll.cpuMsPerImage(), torch->cpuMsPerImage);
    }
    const double perImage = poolAll.images > 0 ? 1e6 * double(poolAll.images) : 1;
    std::printf("\npool busy time per image: read %.2f ms, decode %.2f ms, transform %.2f ms\n",
                double(poolAll.readNs) / perImage, double(poolAll.decodeNs) / perImage,
                double(poolAll.transformNs) / perImage);
    if (poolAll.failures > 0 || naiveAll.failures > 0) {
        std::printf("failures (not counted): pool %lld, naive %lld\n", static_cast<long long>(poolAll.failures),
                    static_cast<long long>(naiveAll.failures));
    }
    return status;
}
