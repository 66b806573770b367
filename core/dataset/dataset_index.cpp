#include "dataset/dataset_index.h"

#include "preprocess/image_probe.h"
#include "common/seeded_random.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <algorithm>
#include <cmath>
#include <set>

namespace tandem {

namespace {
Q_LOGGING_CATEGORY(lcDataset, "tandem.dataset")

const QString kTrainFolder = QStringLiteral("train");
const QString kValFolder = QStringLiteral("val");
constexpr qint64 kProgressEvery = 64;                  // files between progress reports
constexpr quint64 kSubsetSalt = 0x5375627365744c69ULL; // keeps the subset and split draws independent
constexpr quint64 kSplitSalt = 0x53706c6974536565ULL;

struct Candidate {
    QString path;
    qint64 size = 0;
};

// The files of one class in one split (or of one class before the split).
struct Group {
    QString folder;
    qint32 label = 0;
    SampleSplit split = SampleSplit::Train;
    std::vector<Candidate> files;
};

QStringList subfolders(const QString &path)
{
    QStringList names = QDir(path).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(names.begin(), names.end()); // code-point order, like Python's sorted()
    return names;
}

QString lowerFirst(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toLower();
    return text;
}

bool cancelled(const std::atomic<bool> *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

// Empty when the file is a supported image, else why it is left out. Reads the magic number only.
QString examine(const Candidate &file)
{
    if (file.size == 0)
        return QStringLiteral("empty file");
    QFile handle(file.path);
    if (!handle.open(QIODevice::ReadOnly))
        return QStringLiteral("unreadable: %1").arg(lowerFirst(handle.errorString()));
    const QByteArray head = handle.read(ImageProbe::kSniffBytes);
    if (head.isEmpty()) {
        return handle.error() != QFileDevice::NoError
                   ? QStringLiteral("unreadable: %1").arg(lowerFirst(handle.errorString()))
                   : QStringLiteral("empty file");
    }
    if (ImageProbe::sniff(head) == ImageFormat::Unknown)
        return ImageProbe::describeUnsupported(head, file.path);
    return {};
}
} // namespace

struct DatasetIndex::Data {
    QString root;
    QStringList classNames;
    std::vector<IndexedSample> samples;
    std::vector<SkippedFile> skipped;
    QString error;
    bool splitFolders = false;
};

DatasetIndex::DatasetIndex() : m_data(std::make_shared<const Data>()) {}

DatasetIndex::DatasetIndex(std::shared_ptr<const Data> data) : m_data(std::move(data)) {}

QString DatasetIndex::root() const
{
    return m_data->root;
}
QStringList DatasetIndex::classNames() const
{
    return m_data->classNames;
}
const std::vector<IndexedSample> &DatasetIndex::samples() const
{
    return m_data->samples;
}
const std::vector<SkippedFile> &DatasetIndex::skipped() const
{
    return m_data->skipped;
}
QString DatasetIndex::error() const
{
    return m_data->error;
}
bool DatasetIndex::hasSplitFolders() const
{
    return m_data->splitFolders;
}

std::vector<int> DatasetIndex::indicesOf(SampleSplit split) const
{
    std::vector<int> indices;
    for (size_t i = 0; i < m_data->samples.size(); ++i) {
        if (m_data->samples[i].split == split)
            indices.push_back(int(i));
    }
    return indices;
}

std::vector<qint64> DatasetIndex::classCounts(SampleSplit split) const
{
    std::vector<qint64> counts(size_t(m_data->classNames.size()), 0);
    for (const IndexedSample &sample : m_data->samples) {
        if (sample.split == split && sample.label >= 0 && size_t(sample.label) < counts.size())
            ++counts[size_t(sample.label)];
    }
    return counts;
}

DatasetIndex DatasetIndex::scan(const QString &root, const DatasetIndexOptions &options,
                                const std::atomic<bool> *cancel, const std::function<void(qint64, qint64)> &progress)
{
    auto data = std::make_shared<Data>();
    const QFileInfo rootInfo(root);
    data->root = root.isEmpty() ? QString() : rootInfo.absoluteFilePath();
    auto finish = [&data](const QString &error) {
        data->error = error;
        if (!error.isEmpty()) {
            data->samples.clear(); // an unusable root or a cancelled scan yields no partial index
            data->skipped.clear();
            qCWarning(lcDataset) << error;
        }
        return DatasetIndex(std::move(data));
    };
    if (root.isEmpty())
        return finish(QStringLiteral("no dataset folder given"));
    if (!rootInfo.exists())
        return finish(QStringLiteral("folder not found: %1").arg(root));
    if (!rootInfo.isDir())
        return finish(QStringLiteral("not a folder: %1").arg(root));
    if (!rootInfo.isReadable())
        return finish(QStringLiteral("unreadable folder: %1").arg(root));

    // 1. Layout and classes.
    const QDir rootDir(data->root);
    std::vector<std::pair<QString, SampleSplit>> splitFolders;
    if (QFileInfo(rootDir.filePath(kTrainFolder)).isDir()) {
        data->splitFolders = true;
        splitFolders.emplace_back(rootDir.filePath(kTrainFolder), SampleSplit::Train);
        if (QFileInfo(rootDir.filePath(kValFolder)).isDir())
            splitFolders.emplace_back(rootDir.filePath(kValFolder), SampleSplit::Val);
    } else {
        splitFolders.emplace_back(data->root, SampleSplit::Train);
    }
    std::set<QString> classSet;
    for (const auto &[folder, split] : splitFolders) {
        for (const QString &name : subfolders(folder))
            classSet.insert(name);
    }
    for (const QString &name : classSet)
        data->classNames << name;
    if (data->classNames.isEmpty()) {
        const QString folder = splitFolders.front().first;
        // Say which of the two it is: nothing there at all, or files that want class folders.
        if (QDir(folder).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden))
            return finish(QStringLiteral("the folder %1 is empty: put one sub-folder per class in it, each holding "
                                         "that class's images")
                              .arg(folder));
        return finish(QStringLiteral("no class folders in %1: a dataset has one sub-folder per class (or train/ "
                                     "and val/ folders of class folders), each holding that class's images")
                          .arg(folder));
    }

    // 2. Candidate files, from directory entries only.
    std::vector<Group> groups;
    qint64 total = 0;
    for (const auto &[folder, split] : splitFolders) {
        for (qint32 label = 0; label < qint32(data->classNames.size()); ++label) {
            const QString classFolder = QDir(folder).filePath(data->classNames[label]);
            if (!QFileInfo(classFolder).isDir())
                continue;
            Group group{classFolder, label, split, {}};
            // Regular files and links to them; FIFOs and devices (which could block a read) are not listed.
            QDirIterator it(classFolder, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                it.next();
                const QFileInfo info = it.fileInfo();
                group.files.push_back({info.filePath(), info.size()});
                if (group.files.size() % 1024 == 0 && cancelled(cancel))
                    return finish(QStringLiteral("scan cancelled"));
            }
            std::sort(group.files.begin(), group.files.end(),
                      [](const Candidate &a, const Candidate &b) { return a.path < b.path; });
            total += qint64(group.files.size());
            groups.push_back(std::move(group));
        }
    }

    // 3. Magic numbers, stopping early in classes that reached the limit.
    qint64 done = 0;
    qint64 reported = -1;
    auto report = [&] {
        if (progress && done != reported) {
            reported = done;
            progress(done, total);
        }
    };
    report();
    const auto limit = size_t(std::max(0, options.perClassLimit));
    for (const Group &group : groups) {
        std::vector<size_t> order(group.files.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        if (limit > 0 && order.size() > limit) {
            SeededRandom random(
                SeededRandom::mix(options.seed ^ kSubsetSalt, quint64(group.label) * 2 + quint64(group.split)));
            random.shuffle(order);
        }
        std::vector<size_t> accepted;
        size_t examined = 0;
        for (size_t i : order) {
            if (limit > 0 && accepted.size() == limit)
                break;
            if (cancelled(cancel))
                return finish(QStringLiteral("scan cancelled"));
            const Candidate &file = group.files[i];
            if (QString reason = examine(file); reason.isEmpty())
                accepted.push_back(i);
            else
                data->skipped.push_back({file.path, std::move(reason)});
            ++examined;
            if (++done % kProgressEvery == 0)
                report();
        }
        done += qint64(group.files.size() - examined);
        std::sort(accepted.begin(), accepted.end());

        // 4. Split: the folder's, or a seeded, per-class (stratified) share for Val.
        std::vector<SampleSplit> splits(accepted.size(), group.split);
        if (!data->splitFolders) {
            const double fraction = std::clamp(options.valFraction, 0.0, 1.0);
            const auto valCount = size_t(std::llround(double(accepted.size()) * fraction));
            std::vector<size_t> shuffled(accepted.size());
            for (size_t i = 0; i < shuffled.size(); ++i)
                shuffled[i] = i;
            SeededRandom random(SeededRandom::mix(options.seed ^ kSplitSalt, quint64(group.label)));
            random.shuffle(shuffled);
            for (size_t i = 0; i < valCount; ++i)
                splits[shuffled[i]] = SampleSplit::Val;
        }
        for (size_t i = 0; i < accepted.size(); ++i) {
            const Candidate &file = group.files[accepted[i]];
            data->samples.push_back({file.path, group.label, splits[i], file.size});
        }
    }
    report();

    std::stable_sort(data->samples.begin(), data->samples.end(), [](const IndexedSample &a, const IndexedSample &b) {
        if (a.split != b.split)
            return a.split < b.split;
        if (a.label != b.label)
            return a.label < b.label;
        return a.path < b.path;
    });
    std::sort(data->skipped.begin(), data->skipped.end(),
              [](const SkippedFile &a, const SkippedFile &b) { return a.path < b.path; });
    qCInfo(lcDataset).noquote() << QStringLiteral("%1: %2 classes, %3 samples, %4 files left out")
                                       .arg(data->root)
                                       .arg(data->classNames.size())
                                       .arg(data->samples.size())
                                       .arg(data->skipped.size());
    return finish({});
}

DatasetIndex DatasetIndex::fromSamples(const QString &root, const QStringList &classNames,
                                       std::vector<IndexedSample> samples, std::vector<SkippedFile> skipped)
{
    auto data = std::make_shared<Data>();
    data->root = root;
    data->classNames = classNames;
    const qint32 classCount = qint32(classNames.size());
    samples.erase(std::remove_if(samples.begin(), samples.end(),
                                 [classCount](const IndexedSample &s) { return s.label < 0 || s.label >= classCount; }),
                  samples.end());
    std::stable_sort(samples.begin(), samples.end(), [](const IndexedSample &a, const IndexedSample &b) {
        if (a.split != b.split)
            return a.split < b.split;
        if (a.label != b.label)
            return a.label < b.label;
        return a.path < b.path;
    });
    std::sort(skipped.begin(), skipped.end(),
              [](const SkippedFile &a, const SkippedFile &b) { return a.path < b.path; });
    data->samples = std::move(samples);
    data->skipped = std::move(skipped);
    if (data->samples.empty())
        data->error = QStringLiteral("no included images in %1").arg(root);
    return DatasetIndex(std::move(data));
}

} // namespace tandem
