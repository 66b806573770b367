// A file left out of a dataset or a batch, with the reason a person reads.
#pragma once

#include <QString>

namespace tandem {

struct SkippedFile {
    QString path;
    QString reason; // "empty file", "not an image (starts with %PDF)", "unreadable: permission denied", ...
};

} // namespace tandem
