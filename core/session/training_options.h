// Everything a training run needs to know, in one value that the UI persists and the CLI parses.
#pragma once

#include "dataset/dataset_index.h"
#include "preprocess/preprocess_options.h"

#include <QString>
#include <QUrl>

namespace tandem {

enum class AgentMode {
    Local,  // start tandem-agent on this computer, 127.0.0.1, fresh secret (the default)
    Dial,   // connect to an agent listening at a URL (tunnel, SSH forward, LAN)
    Listen, // listen here and wait for the agent to dial in (Colab's preferred direction)
};

struct TrainingOptions {
    QString datasetRoot;
    DatasetIndexOptions index;
    PreprocessOptions preprocess; // train-time preprocessing; validation uses its centre-crop twin
    int threads = 0;              // preprocessing threads, 0 = all cores

    QString model = QStringLiteral("auto");
    int epochs = 3;
    int batchSize = 64;
    double learningRate = 0.05;
    QString optimizer = QStringLiteral("sgd");
    double momentum = 0.9;
    double weightDecay = 0.0;
    quint64 seed = 0;
    QString device = QStringLiteral("auto");
    QString precision = QStringLiteral("auto");
    // Every stage but forward, backward and the step (SessionConfig::dataPathOnly): nothing trains.
    bool dataPathOnly = false;

    AgentMode agentMode = AgentMode::Local;
    QUrl agentUrl;             // Dial: ws:// or wss:// URL of the agent
    quint16 listenPort = 8765; // Listen: where the agent dials in
    QString listenHost = QStringLiteral("127.0.0.1");
    QByteArray secret;    // Dial/Listen: shared secret; Local generates its own
    QString agentProgram; // Local: tandem-agent to start; empty = next to this program

    QString weightsPath; // where the returned weights go; empty = don't ask for them

    // Validation preprocessing: deterministic centre crop at the same size and colour.
    [[nodiscard]] PreprocessOptions validationPreprocess() const;
};

} // namespace tandem
