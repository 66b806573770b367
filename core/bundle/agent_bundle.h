// Writes the agent bundle: tandem-agent's sources and the Colab notebook as one .tar.gz.
#pragma once

#include <QString>
#include <QStringList>

namespace tandem {

// The bundle unpacks to tandem-agent/ holding colab_agent/ (sources, CMakeLists, notebook and its
// helper), core/common/, core/protocol/, core/imagecodec/ and a minimal top-level CMakeLists.txt that builds
// tandem-agent alone against Qt Core/Network/WebSockets and libtorch, which is all a Colab runtime or GPU box needs.
class AgentBundle {
public:
    static constexpr const char *kFileName = "tandem-agent-bundle.tar.gz";
    static constexpr const char *kTopFolder = "tandem-agent";

    struct Result {
        QString error;     // empty on success
        QStringList files; // paths inside the archive, below kTopFolder
        qint64 bytes = 0;  // size of the written archive
        [[nodiscard]] bool ok() const { return error.isEmpty(); }
    };

    // sourceRoot holds colab_agent/, core/common/, core/protocol/ and core/imagecodec/ (a checkout, or
    // share/tandem/agent-src of an installed app). The archive is written atomically: outPath is untouched on failure.
    [[nodiscard]] static Result write(const QString &sourceRoot, const QString &outPath);

    // The files of sourceRoot that go into the bundle, relative to sourceRoot, sorted; empty with
    // *error set when sourceRoot is not a Tandem source tree.
    [[nodiscard]] static QStringList sourceFiles(const QString &sourceRoot, QString *error);

    // The generated top-level CMakeLists.txt of the bundle.
    [[nodiscard]] static QByteArray topLevelCMakeLists();

    // Where this program finds the agent's sources: share/tandem/agent-src beside an installed
    // binary, else the source tree it was built from; empty when neither exists.
    [[nodiscard]] static QString findSourceRoot();
};

} // namespace tandem
