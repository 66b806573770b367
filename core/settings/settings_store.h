// What the desktop app remembers between runs: training options, recent datasets, layout.
#pragma once

#include "session/training_options.h"

#include <QString>
#include <QStringList>
#include <QVariant>

#include <memory>

QT_BEGIN_NAMESPACE
class QSettings;
QT_END_NAMESPACE

namespace tandem {

// One place for the keys. The secret is never stored: a remote agent's secret is pasted or
// generated for each session, and the local agent makes its own.
class SettingsStore {
    Q_DISABLE_COPY_MOVE(SettingsStore)
public:
    static constexpr int kMaxRecent = 8;

    // Empty: the application's settings (organisation and application name); else an INI file.
    explicit SettingsStore(const QString &fileName = {});
    ~SettingsStore();

    // Everything but the dataset root and the secret. Values out of range fall back to defaults.
    [[nodiscard]] TrainingOptions trainingOptions() const;
    void setTrainingOptions(const TrainingOptions &options);
    // False until preprocessing settings were saved once (a first run).
    [[nodiscard]] bool hasPreprocessOptions() const;
    // Whether the returned weights are saved (to trainingOptions().weightsPath).
    [[nodiscard]] bool saveWeights() const;
    void setSaveWeights(bool save);

    // Most recent first, existing folders or not (the menu says when one is gone).
    [[nodiscard]] QStringList recentDatasets() const;
    void addRecentDataset(const QString &path);
    void removeRecentDataset(const QString &path);
    void clearRecentDatasets();

    // Window geometry, splitter sizes, theme and the like, under "ui/".
    [[nodiscard]] QVariant uiValue(const QString &key, const QVariant &defaultValue = {}) const;
    void setUiValue(const QString &key, const QVariant &value);

    void sync();
    [[nodiscard]] QString fileName() const;

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace tandem
