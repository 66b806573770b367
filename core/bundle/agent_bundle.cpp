#include "agent_bundle.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>

namespace tandem {

namespace {

// What the agent-only build reads, per folder of the source tree. colab_agent/gpu_check/ is left
// out: it is a benchmark for GPU machines that travels with a checkout, not with the bundle.
const QStringList kFolders{QStringLiteral("colab_agent"), QStringLiteral("core/protocol")};
const QStringList kSkippedFolders{QStringLiteral("colab_agent/gpu_check")};
const QStringList kSuffixes{QStringLiteral("cpp"),   QStringLiteral("h"),     QStringLiteral("hpp"),
                            QStringLiteral("txt"),   QStringLiteral("cmake"), QStringLiteral("md"),
                            QStringLiteral("ipynb"), QStringLiteral("py"),    QStringLiteral("sh")};
constexpr qint64 kMaxFileBytes = 4 << 20; // a source file larger than this is a stray artefact

bool isSourceRoot(const QString &root)
{
    return QFileInfo::exists(root + QStringLiteral("/colab_agent/CMakeLists.txt")) &&
           QFileInfo::exists(root + QStringLiteral("/core/protocol/CMakeLists.txt"));
}

// Hidden entries, caches and build trees inside the source folders never belong in the bundle.
bool skippedComponent(const QString &component)
{
    return component.startsWith(QLatin1Char('.')) || component == QLatin1String("__pycache__") ||
           component.startsWith(QLatin1String("build"));
}

struct ArchiveDeleter {
    void operator()(archive *a) const { archive_write_free(a); }
};
struct EntryDeleter {
    void operator()(archive_entry *e) const { archive_entry_free(e); }
};

// libarchive writes through these callbacks into a QSaveFile, so that a failed run leaves no
// half-written bundle behind.
la_ssize_t writeCallback(archive *, void *client, const void *buffer, size_t length)
{
    auto *file = static_cast<QSaveFile *>(client);
    const qint64 written = file->write(static_cast<const char *>(buffer), qint64(length));
    return written == qint64(length) ? la_ssize_t(written) : -1;
}
int closeCallback(archive *, void *)
{
    return ARCHIVE_OK;
}

QString archiveError(archive *a, const QString &what)
{
    const char *text = archive_error_string(a);
    return QStringLiteral("%1: %2").arg(what, text ? QString::fromLocal8Bit(text) : QStringLiteral("unknown error"));
}

bool addEntry(archive *a, const QString &path, const QByteArray &data, int permissions, qint64 mtime, QString *error)
{
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    const QByteArray name = (QLatin1String(AgentBundle::kTopFolder) + QLatin1Char('/') + path).toUtf8();
    archive_entry_set_pathname(entry.get(), name.constData());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), permissions);
    archive_entry_set_size(entry.get(), data.size());
    archive_entry_set_mtime(entry.get(), time_t(mtime), 0);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    if (archive_write_header(a, entry.get()) != ARCHIVE_OK) {
        *error = archiveError(a, QStringLiteral("cannot add %1").arg(path));
        return false;
    }
    if (!data.isEmpty() && archive_write_data(a, data.constData(), size_t(data.size())) != la_ssize_t(data.size())) {
        *error = archiveError(a, QStringLiteral("cannot write %1").arg(path));
        return false;
    }
    return true;
}

} // namespace

QStringList AgentBundle::sourceFiles(const QString &sourceRoot, QString *error)
{
    if (!isSourceRoot(sourceRoot)) {
        *error = QStringLiteral("%1 holds no tandem-agent sources (colab_agent/ and core/protocol/ with their "
                                "CMakeLists.txt)")
                     .arg(QDir::toNativeSeparators(sourceRoot));
        return {};
    }
    const QDir root(sourceRoot);
    QStringList files;
    for (const QString &folder : kFolders) {
        QDirIterator it(root.filePath(folder), QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QFileInfo info(it.next());
            const QString relative = root.relativeFilePath(info.filePath());
            const QStringList components = relative.split(QLatin1Char('/'));
            if (std::any_of(components.begin(), components.end(), skippedComponent))
                continue;
            if (std::any_of(kSkippedFolders.begin(), kSkippedFolders.end(), [&relative](const QString &skipped) {
                    return relative.startsWith(skipped + QLatin1Char('/'));
                }))
                continue;
            if (!kSuffixes.contains(info.suffix()) || info.size() > kMaxFileBytes)
                continue;
            files << relative;
        }
    }
    files.sort();
    return files;
}

QByteArray AgentBundle::topLevelCMakeLists()
{
    // Mirrors the agent-only branch of the repository's top-level CMakeLists.txt; the bundle test
    // configures an extracted bundle, so a drift between the two shows up there.
    QByteArray text = QByteArrayLiteral(
        R"cmake(# tandem-agent, from an agent bundle written by the Tandem desktop app. Builds the agent alone:
# colab_agent/ plus core/protocol/, against Qt Core/Network/WebSockets and libtorch.
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
#     -DCMAKE_PREFIX_PATH="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')"
#   cmake --build build -j"$(nproc)"
# colab_agent/notebook/README.md tells how to run it in Colab or on any GPU machine.
cmake_minimum_required(VERSION 3.22)
project(Tandem VERSION @VERSION@ DESCRIPTION "tandem-agent (agent bundle)" LANGUAGES CXX)

set(TANDEM_AGENT_ONLY ON)
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

find_package(Qt6 6.2 REQUIRED COMPONENTS Core Network WebSockets)
if(COMMAND qt_standard_project_setup)
  qt_standard_project_setup()
else()
  set(CMAKE_AUTOMOC ON)
endif()

add_library(tandem_warnings INTERFACE)
target_compile_options(tandem_warnings INTERFACE -Wall -Wextra -Wno-unused-parameter)
target_compile_definitions(tandem_warnings INTERFACE
  QT_NO_CONTEXTLESS_CONNECT QT_NO_KEYWORDS QT_DISABLE_DEPRECATED_BEFORE=0x060000)

add_subdirectory(core/protocol)
add_subdirectory(colab_agent)
)cmake");
    text.replace("@VERSION@", QByteArrayLiteral(TANDEM_VERSION_STRING));
    return text;
}

AgentBundle::Result AgentBundle::write(const QString &sourceRoot, const QString &outPath)
{
    Result result;
    const QStringList files = sourceFiles(sourceRoot, &result.error);
    if (!result.ok())
        return result;

    QSaveFile out(outPath);
    if (!out.open(QIODevice::WriteOnly)) {
        result.error = QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(outPath), out.errorString());
        return result;
    }
    std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
    if (archive_write_add_filter_gzip(a.get()) != ARCHIVE_OK ||
        archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
        archive_write_open(a.get(), &out, nullptr, writeCallback, closeCallback) != ARCHIVE_OK) {
        result.error = archiveError(a.get(), QStringLiteral("cannot start the archive"));
        return result;
    }

    const QDir root(sourceRoot);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (!addEntry(a.get(), QStringLiteral("CMakeLists.txt"), topLevelCMakeLists(), 0644, now, &result.error))
        return result;
    result.files << QStringLiteral("CMakeLists.txt");
    for (const QString &relative : files) {
        QFile file(root.filePath(relative));
        if (!file.open(QIODevice::ReadOnly)) {
            result.error =
                QStringLiteral("cannot read %1: %2").arg(QDir::toNativeSeparators(file.fileName()), file.errorString());
            return result;
        }
        const QByteArray data = file.readAll();
        const QFileInfo info(file);
        const int permissions = info.permission(QFileDevice::ExeOwner) ? 0755 : 0644;
        if (!addEntry(a.get(), relative, data, permissions, info.lastModified().toSecsSinceEpoch(), &result.error))
            return result;
        result.files << relative;
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) {
        result.error = archiveError(a.get(), QStringLiteral("cannot finish the archive"));
        return result;
    }
    result.bytes = out.size();
    if (!out.commit()) {
        result.error = QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(outPath), out.errorString());
        result.bytes = 0;
    }
    return result;
}

QString AgentBundle::findSourceRoot()
{
    QStringList candidates;
    if (QCoreApplication::instance())
        candidates << QCoreApplication::applicationDirPath() + QStringLiteral("/../share/tandem/agent-src");
#ifdef TANDEM_BUNDLE_SOURCE_DIR
    candidates << QStringLiteral(TANDEM_BUNDLE_SOURCE_DIR);
#endif
    for (const QString &candidate : candidates)
        if (isSourceRoot(candidate))
            return QDir(candidate).canonicalPath();
    return {};
}

} // namespace tandem
