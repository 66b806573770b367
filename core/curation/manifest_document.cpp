#include "curation/manifest_document.h"

#include "curation/manifest_edit_command.h"

#include <QLoggingCategory>

namespace tandem {

namespace {
Q_LOGGING_CATEGORY(lcCuration, "tandem.curation")
} // namespace

ManifestDocument::ManifestDocument(QObject *parent) : QObject(parent) {}

void ManifestDocument::setManifest(DatasetManifest manifest)
{
    m_undoStack.clear();
    m_manifest = std::move(manifest);
    Q_EMIT changed();
}

void ManifestDocument::setContentHashes(const std::vector<quint64> &hashes)
{
    if (hashes.size() != m_manifest.entries.size()) {
        qCWarning(lcCuration) << "hashes for" << hashes.size() << "entries, the manifest has"
                              << m_manifest.entries.size();
        return;
    }
    for (size_t i = 0; i < hashes.size(); ++i) {
        if (hashes[i] != 0)
            m_manifest.entries[i].contentHash = hashes[i];
    }
    Q_EMIT changed();
}

QString ManifestDocument::checkIndices(const std::vector<int> &indices) const
{
    if (indices.empty())
        return QStringLiteral("no images selected");
    for (int index : indices) {
        if (index < 0 || size_t(index) >= m_manifest.entries.size())
            return QStringLiteral("image %1 is not in the manifest").arg(index);
    }
    return {};
}

QString ManifestDocument::checkClassName(const QString &name) const
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return QStringLiteral("a class needs a name");
    if (trimmed.contains(u'/') || trimmed.contains(u'\\') || trimmed == QLatin1String(".") ||
        trimmed == QLatin1String(".."))
        return QStringLiteral("\"%1\" cannot be a folder name").arg(trimmed);
    if (m_manifest.classes.contains(trimmed))
        return QStringLiteral("class \"%1\" exists").arg(trimmed);
    return {};
}

QString ManifestDocument::push(ManifestEdit edit, const QString &text)
{
    if (edit.isEmpty())
        return QStringLiteral("nothing to change");
    m_undoStack.push(new ManifestEditCommand(this, std::move(edit), text)); // the stack owns it; push() runs redo()
    return {};
}

QString ManifestDocument::setIncluded(const std::vector<int> &indices, bool included)
{
    if (QString error = checkIndices(indices); !error.isEmpty())
        return error;
    ManifestEdit edit;
    edit.classesBefore = edit.classesAfter = m_manifest.classes;
    for (int index : indices) {
        const ManifestEntry &entry = m_manifest.entries[size_t(index)];
        if (entry.included == included)
            continue;
        edit.indices.push_back(index);
        edit.before.push_back(entry);
        edit.after.push_back(entry);
        edit.after.back().included = included;
    }
    const QString what = included ? QStringLiteral("Include") : QStringLiteral("Exclude");
    const QString text = edit.indices.size() == 1 ? QStringLiteral("%1 image").arg(what)
                                                  : QStringLiteral("%1 %2 images").arg(what).arg(edit.indices.size());
    return push(std::move(edit), text);
}

QString ManifestDocument::relabel(const std::vector<int> &indices, qint32 label)
{
    if (QString error = checkIndices(indices); !error.isEmpty())
        return error;
    if (label < 0 || label >= m_manifest.classes.size())
        return QStringLiteral("class %1 does not exist").arg(label);
    ManifestEdit edit;
    edit.classesBefore = edit.classesAfter = m_manifest.classes;
    for (int index : indices) {
        const ManifestEntry &entry = m_manifest.entries[size_t(index)];
        if (entry.label == label)
            continue;
        edit.indices.push_back(index);
        edit.before.push_back(entry);
        edit.after.push_back(entry);
        edit.after.back().label = label;
    }
    const qsizetype count = qsizetype(edit.indices.size());
    return push(std::move(edit), QStringLiteral("Move %1 image(s) to %2").arg(count).arg(m_manifest.classes.at(label)));
}

QString ManifestDocument::addClass(const QString &name)
{
    if (QString error = checkClassName(name); !error.isEmpty())
        return error;
    ManifestEdit edit;
    edit.classesBefore = m_manifest.classes;
    edit.classesAfter = m_manifest.classes;
    edit.classesAfter.append(name.trimmed());
    return push(std::move(edit), QStringLiteral("Add class %1").arg(name.trimmed()));
}

QString ManifestDocument::renameClass(qint32 label, const QString &name)
{
    if (label < 0 || label >= m_manifest.classes.size())
        return QStringLiteral("class %1 does not exist").arg(label);
    if (QString error = checkClassName(name); !error.isEmpty())
        return error;
    ManifestEdit edit;
    edit.classesBefore = m_manifest.classes;
    edit.classesAfter = m_manifest.classes;
    edit.classesAfter[label] = name.trimmed();
    return push(std::move(edit),
                QStringLiteral("Rename class %1 to %2").arg(m_manifest.classes.at(label), name.trimmed()));
}

QString ManifestDocument::resplit(const std::vector<SampleSplit> &splits, const QString &text)
{
    if (splits.size() != m_manifest.entries.size())
        return QStringLiteral("a split for %1 images, the manifest has %2")
            .arg(splits.size())
            .arg(m_manifest.entries.size());
    ManifestEdit edit;
    edit.classesBefore = edit.classesAfter = m_manifest.classes;
    for (size_t i = 0; i < splits.size(); ++i) {
        const ManifestEntry &entry = m_manifest.entries[i];
        if (entry.split == splits[i])
            continue;
        edit.indices.push_back(int(i));
        edit.before.push_back(entry);
        edit.after.push_back(entry);
        edit.after.back().split = splits[i];
    }
    return push(std::move(edit), text);
}

void ManifestDocument::applyEdit(const ManifestEdit &edit, bool forward)
{
    m_manifest.classes = forward ? edit.classesAfter : edit.classesBefore;
    const std::vector<ManifestEntry> &entries = forward ? edit.after : edit.before;
    for (size_t i = 0; i < edit.indices.size(); ++i)
        m_manifest.entries[size_t(edit.indices[i])] = entries[i];
    Q_EMIT changed();
}

} // namespace tandem
