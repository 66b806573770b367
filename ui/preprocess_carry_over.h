// Preprocessing chosen for one dataset, about to apply to another: said, not silent.
#pragma once

#include "dataset/dataset_index.h"
#include "preprocess/preprocess_options.h"

#include <QString>

#include <optional>

namespace tandem {

// Issue 13: 28 × 28 grey, set for Fashion-MNIST, went on to a folder of photographs unnoticed.
// When the settings were last chosen for another folder and these images would get a different
// size or colour by default, the window shows text and offers "Fit to These Images".
struct PreprocessCarryOver {
    QString text;
    PreprocessOptions fitted; // what "Fit to These Images" sets: the current options, size and colour refit

    // settingsRoot: the dataset folder the current options were used with (empty: none yet).
    [[nodiscard]] static std::optional<PreprocessCarryOver>
    check(const QString &settingsRoot, const DatasetIndex &index, const PreprocessOptions &current);
};

} // namespace tandem
