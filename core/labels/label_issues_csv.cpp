#include "labels/label_issues_csv.h"

namespace tandem {

QByteArray LabelIssuesCsv::field(const QString &value)
{
    QByteArray utf8 = value.toUtf8();
    if (!utf8.contains(',') && !utf8.contains('"') && !utf8.contains('\n') && !utf8.contains('\r'))
        return utf8;
    utf8.replace("\"", "\"\"");
    return '"' + utf8 + '"';
}

QByteArray LabelIssuesCsv::write(const std::vector<ConfidentLearning::Issue> &issues, const QStringList &paths,
                                 const QStringList &classNames)
{
    const auto at = [](const QStringList &list, int index) {
        return index >= 0 && index < list.size() ? list.at(index) : QStringLiteral("?");
    };
    QByteArray out = "path,given,suggested,score\n";
    for (const ConfidentLearning::Issue &issue : issues) {
        out += field(at(paths, issue.sample)) + ',' + field(at(classNames, issue.given)) + ',' +
               field(at(classNames, issue.suggested)) + ',' + QByteArray::number(issue.score, 'f', 6) + '\n';
    }
    return out;
}

} // namespace tandem
