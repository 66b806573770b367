#include "agent_bundle.h"

#include "archive/tar_gz_writer.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace tandem {

namespace {

// What the agent-only build reads, per folder of the source tree. colab_agent/gpu_check/ is left
// out: it is a benchmark for GPU machines that travels with a checkout, not with the bundle.
const QStringList kFolders{QStringLiteral("colab_agent"), QStringLiteral("core/common"),
                           QStringLiteral("core/protocol"), QStringLiteral("core/imagecodec")};
const QStringList kSkippedFolders{QStringLiteral("colab_agent/gpu_check")};
const QStringList kSuffixes{QStringLiteral("cpp"),   QStringLiteral("h"),     QStringLiteral("hpp"),
                            QStringLiteral("txt"),   QStringLiteral("cmake"), QStringLiteral("md"),
                            QStringLiteral("ipynb"), QStringLiteral("py"),    QStringLiteral("sh")};
constexpr qint64 kMaxFileBytes = 4 << 20; // a source file larger than this is a stray artefact

bool isSourceRoot(const QString &root)
{
    return QFileInfo::exists(root + QStringLiteral("/colab_agent/CMakeLists.txt")) &&
           QFileInfo::exists(root + QStringLiteral("/core/common/CMakeLists.txt")) &&
           QFileInfo::exists(root + QStringLiteral("/core/protocol/CMakeLists.txt")) &&
           QFileInfo::exists(root + QStringLiteral("/core/imagecodec/CMakeLists.txt"));
}

// Hidden entries, caches and build trees inside the source folders never belong in the bundle.
bool skippedComponent(const QString &component)
{
    return component.startsWith(QLatin1Char('.')) || component == QLatin1String("__pycache__") ||
           component.startsWith(QLatin1String("build"));
}

} // namespace

QStringList AgentBundle::sourceFiles(const QString &sourceRoot, QString *error)
{
    if (!isSourceRoot(sourceRoot)) {
        *error = QStringLiteral("%1 holds no tandem-agent sources (colab_agent/, core/common/, core/protocol/ and "
                                "core/imagecodec/ with their CMakeLists.txt)")
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
# colab_agent/ plus core/common/, core/protocol/ and core/imagecodec/, against Qt Core/Network/WebSockets,
# libturbojpeg, libpng, libxxhash (pkg-config) and libtorch.
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

add_subdirectory(core/common)
add_subdirectory(core/protocol)
add_subdirectory(core/imagecodec)
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

    TarGzWriter out(outPath);
    if (result.error = out.open(); !result.ok())
        return result;
    const QString top = QLatin1String(kTopFolder) + QLatin1Char('/');
    if (result.error = out.add(top + QStringLiteral("CMakeLists.txt"), topLevelCMakeLists()); !result.ok())
        return result;
    result.files << QStringLiteral("CMakeLists.txt");
    const QDir root(sourceRoot);
    for (const QString &relative : files) {
        QFile file(root.filePath(relative));
        if (!file.open(QIODevice::ReadOnly)) {
            result.error =
                QStringLiteral("cannot read %1: %2").arg(QDir::toNativeSeparators(file.fileName()), file.errorString());
            return result;
        }
        const QFileInfo info(file);
        const int permissions = info.permission(QFileDevice::ExeOwner) ? 0755 : 0644;
        result.error = out.add(top + relative, file.readAll(), permissions, info.lastModified().toSecsSinceEpoch());
        if (!result.ok())
            return result;
        result.files << relative;
    }
    if (result.error = out.finish(); result.ok())
        result.bytes = out.bytesWritten();
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
