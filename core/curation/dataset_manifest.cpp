#include "curation/dataset_manifest.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSet>

#include <algorithm>
#include <optional>

namespace tandem {

namespace {
const QString kFormatName = QStringLiteral("tandem-dataset-manifest");
constexpr qint64 kMaxManifestBytes = 1LL << 30; // 100,000 entries take about 25 MB

QString splitName(SampleSplit split)
{
    return split == SampleSplit::Val ? QStringLiteral("val") : QStringLiteral("train");
}

std::optional<SampleSplit> parseSplit(const QJsonValue &value)
{
    const QString text = value.toString();
    if (text == QLatin1String("train"))
        return SampleSplit::Train;
    if (text == QLatin1String("val"))
        return SampleSplit::Val;
    return std::nullopt;
}
} // namespace

bool ManifestEntry::operator==(const ManifestEntry &other) const
{
    return relativePath == other.relativePath && originalClass == other.originalClass &&
           originalSplit == other.originalSplit && label == other.label && split == other.split &&
           included == other.included && contentHash == other.contentHash && fileBytes == other.fileBytes;
}

DatasetManifest DatasetManifest::fromIndex(const DatasetIndex &index)
{
    DatasetManifest manifest;
    manifest.root = index.root();
    manifest.classes = index.classNames();
    const QDir root(index.root());
    manifest.entries.reserve(index.samples().size());
    for (const IndexedSample &sample : index.samples()) {
        ManifestEntry entry;
        entry.relativePath = root.relativeFilePath(sample.path);
        entry.originalClass = manifest.classes.value(sample.label);
        entry.originalSplit = sample.split;
        entry.label = sample.label;
        entry.split = sample.split;
        entry.fileBytes = sample.fileBytes;
        manifest.entries.push_back(std::move(entry));
    }
    return manifest;
}

bool DatasetManifest::hasEdits() const
{
    QSet<QString> scannedClasses;
    for (const ManifestEntry &entry : entries) {
        scannedClasses.insert(entry.originalClass);
        if (!entry.included || entry.split != entry.originalSplit || className(entry) != entry.originalClass)
            return true;
    }
    for (const QString &name : classes)
        if (!scannedClasses.contains(name))
            return true; // added, or renamed and now empty
    return false;
}

DatasetManifest::CarriedOver DatasetManifest::carryOver(const DatasetManifest &edits, const DatasetManifest &scanned)
{
    CarriedOver out;
    DatasetManifest &merged = out.manifest;
    merged.root = scanned.root;
    merged.classes = edits.classes;
    auto labelOf = [&merged](const QString &name) {
        qsizetype at = merged.classes.indexOf(name);
        if (at < 0) {
            merged.classes << name;
            at = merged.classes.size() - 1;
        }
        return qint32(at);
    };
    QHash<QString, const ManifestEntry *> edited;
    edited.reserve(qsizetype(edits.entries.size()));
    for (const ManifestEntry &entry : edits.entries)
        edited.insert(entry.relativePath, &entry);
    merged.entries.reserve(scanned.entries.size());
    for (const ManifestEntry &fresh : scanned.entries) {
        ManifestEntry entry = fresh;
        if (const ManifestEntry *before = edited.value(fresh.relativePath); before) {
            entry.included = before->included;
            entry.split = before->split;
            entry.label = labelOf(edits.className(*before));
            ++out.carried;
        } else {
            entry.label = labelOf(fresh.originalClass);
            ++out.added;
        }
        merged.entries.push_back(std::move(entry));
    }
    out.missing = qint64(edits.entries.size()) - out.carried;
    return out;
}

DatasetIndex DatasetManifest::toIndex() const
{
    std::vector<IndexedSample> samples;
    samples.reserve(entries.size());
    for (const ManifestEntry &entry : entries) {
        if (entry.included)
            samples.push_back({absolutePath(entry), entry.label, entry.split, entry.fileBytes});
    }
    return DatasetIndex::fromSamples(root, classes, std::move(samples));
}

QString DatasetManifest::absolutePath(const ManifestEntry &entry) const
{
    return QDir(root).filePath(entry.relativePath);
}

QString DatasetManifest::className(const ManifestEntry &entry) const
{
    return classes.value(entry.label);
}

std::vector<std::array<qint64, 2>> DatasetManifest::counts() const
{
    std::vector<std::array<qint64, 2>> result(size_t(classes.size()), {0, 0});
    for (const ManifestEntry &entry : entries) {
        if (entry.included && entry.label >= 0 && entry.label < classes.size())
            ++result[size_t(entry.label)][entry.split == SampleSplit::Val ? 1 : 0];
    }
    return result;
}

qint64 DatasetManifest::includedCount() const
{
    return std::count_if(entries.begin(), entries.end(), [](const ManifestEntry &e) { return e.included; });
}

QString DatasetManifest::save(const QString &path) const
{
    QJsonArray jsonEntries;
    for (const ManifestEntry &entry : entries) {
        QJsonObject object;
        object.insert(QStringLiteral("path"), entry.relativePath);
        object.insert(QStringLiteral("originalClass"), entry.originalClass);
        object.insert(QStringLiteral("originalSplit"), splitName(entry.originalSplit));
        object.insert(QStringLiteral("label"), entry.label);
        object.insert(QStringLiteral("split"), splitName(entry.split));
        object.insert(QStringLiteral("included"), entry.included);
        // Hex text: a JSON number (double) cannot hold 64 bits.
        object.insert(QStringLiteral("contentHash"), QString::number(entry.contentHash, 16).rightJustified(16, u'0'));
        object.insert(QStringLiteral("bytes"), entry.fileBytes);
        jsonEntries.append(object);
    }
    QJsonObject top;
    top.insert(QStringLiteral("format"), kFormatName);
    top.insert(QStringLiteral("version"), kFormatVersion);
    top.insert(QStringLiteral("root"), root);
    top.insert(QStringLiteral("classes"), QJsonArray::fromStringList(classes));
    top.insert(QStringLiteral("entries"), jsonEntries);

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    file.write(QJsonDocument(top).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

ManifestLoadResult DatasetManifest::load(const QString &path)
{
    ManifestLoadResult result;
    auto fail = [&result](const QString &error) {
        result.manifest = {};
        result.error = error;
        return result;
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxManifestBytes)
        return fail(QStringLiteral("%1 is too large for a manifest (%2 bytes)").arg(path).arg(file.size()));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(
            QStringLiteral("not valid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString()));
    const QJsonObject top = document.object();
    if (!document.isObject() || top.value(QStringLiteral("format")).toString() != kFormatName)
        return fail(QStringLiteral("not a Tandem dataset manifest"));
    const int version = top.value(QStringLiteral("version")).toInt(-1);
    if (version != kFormatVersion)
        return fail(QStringLiteral("unsupported manifest version %1 (expected %2)").arg(version).arg(kFormatVersion));

    DatasetManifest &manifest = result.manifest;
    manifest.root = top.value(QStringLiteral("root")).toString();
    if (manifest.root.isEmpty())
        return fail(QStringLiteral("the manifest names no dataset root"));
    const QJsonValue classesValue = top.value(QStringLiteral("classes"));
    if (!classesValue.isArray())
        return fail(QStringLiteral("\"classes\" is not a list"));
    for (const QJsonValue &value : classesValue.toArray()) {
        if (!value.isString() || value.toString().isEmpty())
            return fail(QStringLiteral("class %1 is not a non-empty name").arg(manifest.classes.size()));
        if (manifest.classes.contains(value.toString()))
            return fail(QStringLiteral("class \"%1\" is listed twice").arg(value.toString()));
        manifest.classes.append(value.toString());
    }
    const QJsonValue entriesValue = top.value(QStringLiteral("entries"));
    if (!entriesValue.isArray())
        return fail(QStringLiteral("\"entries\" is not a list"));
    const QJsonArray jsonEntries = entriesValue.toArray();
    manifest.entries.reserve(size_t(jsonEntries.size()));
    for (qsizetype i = 0; i < jsonEntries.size(); ++i) {
        const QJsonObject object = jsonEntries.at(i).toObject();
        ManifestEntry entry;
        entry.relativePath = object.value(QStringLiteral("path")).toString();
        if (entry.relativePath.isEmpty())
            return fail(QStringLiteral("entry %1 has no path").arg(i));
        entry.originalClass = object.value(QStringLiteral("originalClass")).toString();
        const auto originalSplit = parseSplit(object.value(QStringLiteral("originalSplit")));
        const auto split = parseSplit(object.value(QStringLiteral("split")));
        if (!originalSplit || !split)
            return fail(QStringLiteral("entry %1: split is neither \"train\" nor \"val\"").arg(i));
        entry.originalSplit = *originalSplit;
        entry.split = *split;
        const QJsonValue label = object.value(QStringLiteral("label"));
        entry.label = label.toInt(-1);
        if (!label.isDouble() || entry.label < 0 || entry.label >= manifest.classes.size())
            return fail(QStringLiteral("entry %1: label %2 is out of range").arg(i).arg(label.toVariant().toString()));
        const QJsonValue included = object.value(QStringLiteral("included"));
        if (!included.isBool())
            return fail(QStringLiteral("entry %1: \"included\" is not true or false").arg(i));
        entry.included = included.toBool();
        bool hashOk = false;
        entry.contentHash = object.value(QStringLiteral("contentHash")).toString().toULongLong(&hashOk, 16);
        if (!hashOk)
            return fail(QStringLiteral("entry %1: content hash is not 16 hex digits").arg(i));
        entry.fileBytes = qint64(object.value(QStringLiteral("bytes")).toDouble(0));
        manifest.entries.push_back(std::move(entry));
    }
    return result;
}

bool DatasetManifest::operator==(const DatasetManifest &other) const
{
    return root == other.root && classes == other.classes && entries == other.entries;
}

} // namespace tandem
