// One sample as the preprocessing and the epoch plan see it: a file, its label, its stable index.
#pragma once

#include <QString>
#include <QtGlobal>

namespace tandem {

struct SampleRef {
    QString path;
    qint32 label = 0;
    quint64 index = 0; // stable sample index: with the batch's seed base it fixes crops and flips
};

} // namespace tandem
