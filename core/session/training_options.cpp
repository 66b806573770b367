#include "training_options.h"

namespace tandem {

PreprocessOptions TrainingOptions::validationPreprocess() const
{
    PreprocessOptions val = preprocess;
    val.crop = PreprocessOptions::Crop::Center;
    val.horizontalFlip = false;
    return val;
}

} // namespace tandem
