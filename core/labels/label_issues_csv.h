// The label check's CSV: one row per suspected label issue, most likely wrong first.
//   path,given,suggested,score
// Paths as the dataset index gives them, classes by folder name, the score to six decimals. Fields
// are quoted per RFC 4180 when they hold a comma, a quote or a line break (a folder may be named so).
#pragma once

#include "labels/confident_learning.h"

#include <QByteArray>
#include <QStringList>

#include <vector>

namespace tandem {

class LabelIssuesCsv {
public:
    LabelIssuesCsv() = delete;

    // paths[i]: sample i's path; classNames[c]: class c's folder name. Issues keep their order (the
    // analysis ranks them). An index out of range of paths or classNames writes "?" in its place.
    [[nodiscard]] static QByteArray write(const std::vector<ConfidentLearning::Issue> &issues, const QStringList &paths,
                                          const QStringList &classNames);

    // One CSV field, quoted when it needs to be.
    [[nodiscard]] static QByteArray field(const QString &value);
};

} // namespace tandem
