#include "preprocess_carry_over.h"

#include "preview/preprocess_suggestion.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace tandem {

namespace {
QString describe(const PreprocessOptions &o)
{
    return QCoreApplication::translate("PreprocessCarryOver", "%1 × %2 %3")
        .arg(o.width)
        .arg(o.height)
        .arg(o.color == PreprocessOptions::Color::Gray ? QCoreApplication::translate("PreprocessCarryOver", "grey")
                                                       : QCoreApplication::translate("PreprocessCarryOver", "RGB"));
}
} // namespace

std::optional<PreprocessCarryOver> PreprocessCarryOver::check(const QString &settingsRoot, const DatasetIndex &index,
                                                              const PreprocessOptions &current)
{
    if (settingsRoot.isEmpty() || index.root().isEmpty() || index.samples().empty() ||
        QDir::cleanPath(settingsRoot) == QDir::cleanPath(index.root()))
        return std::nullopt;
    // What these images get on their own: their native size when small and uniform (grey only when
    // they are), else the default size in colour.
    const PreprocessOptions defaults;
    PreprocessOptions colour = current;
    colour.color = defaults.color;
    PreprocessOptions asDefault = colour;
    asDefault.width = defaults.width;
    asDefault.height = defaults.height;
    PreprocessOptions fitted;
    if (const auto suggested = PreprocessSuggestion::forDataset(index, colour))
        fitted = *suggested;
    else if (PreprocessSuggestion::forDataset(index, asDefault))
        fitted = colour; // small uniform images whose own size is the current one
    else
        fitted = asDefault;
    if (fitted.width == current.width && fitted.height == current.height && fitted.color == current.color)
        return std::nullopt;
    PreprocessCarryOver notice;
    notice.fitted = fitted;
    notice.text = QCoreApplication::translate("PreprocessCarryOver",
                                              "The preprocessing (%1) was set for %2. It applies to these images "
                                              "too unless you fit it to them (%3).")
                      .arg(describe(current), QFileInfo(settingsRoot).fileName(), describe(fitted));
    return notice;
}

} // namespace tandem
