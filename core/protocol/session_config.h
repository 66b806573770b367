// The training session a client asks the agent for, and the agent's answer; JSON on the wire.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <array>
#include <optional>

namespace tandem::protocol {

struct SessionConfig {
    QString model = QStringLiteral("auto"); // "auto" | "cnn" | "resnet18"
    QStringList classNames;
    int channels = 3;
    int height = 224;
    int width = 224;
    int batchSize = 64;
    int epochs = 1;
    QString optimizer = QStringLiteral("sgd"); // "sgd" | "adamw"
    double learningRate = 0.05;
    double momentum = 0.9;
    double weightDecay = 0.0;
    quint64 seed = 0;
    std::array<double, 3> mean{0.485, 0.456, 0.406}; // per channel, on the 0..1 scale
    std::array<double, 3> std{0.229, 0.224, 0.225};
    QString device = QStringLiteral("auto");    // "auto" | "cpu" | "cuda"
    QString precision = QStringLiteral("auto"); // "auto" | "fp32" | "bf16" (bf16 autocast on CUDA)
    bool deviceFlip = false;                    // random horizontal flip on the agent's device
    int stepsPerEpoch = 0;                      // train batches per epoch, for the LR schedule
    // Data-path mode: every stage but forward, backward and the optimiser step, so that a person can
    // ask whether the link and the desktop can feed the GPU (issue 11). Nothing is trained.
    bool dataPathOnly = false;

    [[nodiscard]] int numClasses() const { return int(classNames.size()); }
    // The model "auto" resolves to: a small CNN up to 64 pixels, ResNet-18 above.
    [[nodiscard]] QString resolvedModel() const;

    [[nodiscard]] QByteArray toJson() const;
    // Parses and validates; on failure returns nullopt and a specific reason in *error.
    [[nodiscard]] static std::optional<SessionConfig> fromJson(const QByteArray &json, QString *error);
};

struct SessionInfo {
    QString device; // "cpu" or "cuda:0 (NVIDIA H100 80GB HBM3)"
    QString model;  // resolved model name
    qint64 parameters = 0;
    QString torchVersion;
    QString precision;
    QString note;          // e.g. why the agent fell back to the CPU
    int credits = 0;       // initial in-flight window
    bool dataPath = false; // the agent honours SessionConfig::dataPathOnly (older agents never say so)

    [[nodiscard]] QByteArray toJson() const;
    [[nodiscard]] static std::optional<SessionInfo> fromJson(const QByteArray &json, QString *error);
};

} // namespace tandem::protocol
