// What a run tells the agent (its SessionConfig) and what its record keeps of its settings.
#pragma once

#include "epoch_plan.h"
#include "session_config.h"
#include "training_options.h"

#include <QJsonObject>

namespace tandem {

class RunSettings {
public:
    [[nodiscard]] static protocol::SessionConfig sessionConfig(const TrainingOptions &options,
                                                               const DatasetIndex &index, const EpochPlan &plan);
    // plan may be null when the run failed before it had one.
    [[nodiscard]] static QJsonObject json(const TrainingOptions &options, const DatasetIndex &index,
                                          const EpochPlan *plan);
};

} // namespace tandem
