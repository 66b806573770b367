#include "duplicates_view.h"

#include "thumbnail_service.h"

#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QImage>
#include <QDir>
#include <QLabel>
#include <QMessageBox>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace tandem {

namespace {
constexpr int kThumbnailSide = 112;
constexpr int kMaxListedPaths = 40; // in the "+N more" tooltip

QString describe(const DuplicateGroup &group, const DatasetManifest &manifest)
{
    QString text = group.kind == DuplicateGroup::Kind::Exact
                       ? DuplicatesView::tr("<b>Identical files</b> (%1)").arg(group.members.size())
                       : DuplicatesView::tr("<b>Near duplicates</b> (%1, pHash distance ≤ %2)")
                             .arg(group.members.size())
                             .arg(group.maxDistance);
    QStringList notes;
    if (group.crossClass) {
        QStringList classes;
        for (int member : group.members) {
            const QString name = manifest.className(manifest.entries[size_t(member)]);
            if (!classes.contains(name))
                classes << name;
        }
        notes << DuplicatesView::tr("<span style='color:#c0392b'>across classes %1: likely a label error</span>")
                     .arg(classes.join(QStringLiteral(", ")).toHtmlEscaped());
    } else {
        notes << DuplicatesView::tr("within class %1")
                     .arg(manifest.className(manifest.entries[size_t(group.members.front())]).toHtmlEscaped());
    }
    if (group.trainValLeak)
        notes << DuplicatesView::tr("<span style='color:#d35400'>in train and validation: leakage</span>");
    return text + QStringLiteral(" — ") + notes.join(QStringLiteral(" · "));
}

// "Sneaker (207), Shirt (120)": how many images each class would lose.
QString classBreakdown(const std::vector<int> &entries, const DatasetManifest &manifest)
{
    std::map<QString, int> byClass;
    for (int entry : entries)
        ++byClass[manifest.className(manifest.entries[size_t(entry)])];
    QStringList classes;
    for (const auto &[name, count] : byClass)
        classes << QStringLiteral("%1 (%2)").arg(name).arg(count);
    return classes.join(QStringLiteral(", "));
}
} // namespace

struct DuplicatesView::Row {
    QFrame *frame = nullptr;
    QLabel *title = nullptr;
    QPushButton *resolve = nullptr;
    std::vector<int> members;
    std::vector<std::pair<int, QLabel *>> captions; // entry, caption under its shown thumbnail
};

DuplicatesView::DuplicatesView(ThumbnailService *thumbnails, QWidget *parent)
    : QWidget(parent), m_thumbnails(thumbnails), m_summary(new QLabel), m_content(new QWidget),
      m_list(new QVBoxLayout(m_content))
{
    connect(m_thumbnails, &ThumbnailService::loaded, this, &DuplicatesView::onLoaded);
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_content);
    m_list->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("duplicatesSummary"));
    clear();
    layout->addWidget(m_summary);
    layout->addWidget(scroll, 1);
}

DuplicatesView::~DuplicatesView() = default;

QPushButton *DuplicatesView::resolveButton(int group) const
{
    return group >= 0 && size_t(group) < m_rows.size() ? m_rows[size_t(group)]->resolve : nullptr;
}

void DuplicatesView::clear()
{
    setGroups({}, DatasetManifest{});
    m_summary->setText(tr("Find Duplicates & Issues compares every image's content hash and perceptual hash."));
}

void DuplicatesView::setGroups(const std::vector<DuplicateGroup> &groups, const DatasetManifest &manifest)
{
    for (const auto &row : m_rows)
        delete row->frame;
    m_rows.clear();
    m_pictures.clear();
    m_groups = groups;

    int leaks = 0;
    int crossClass = 0;
    for (const DuplicateGroup &group : groups) {
        leaks += group.trainValLeak ? 1 : 0;
        crossClass += group.crossClass ? 1 : 0;
    }
    m_summary->setText(
        groups.empty()
            ? tr("No duplicates: every image differs from the others.")
            : tr("%1 groups: %2 across classes (likely label errors), %3 across train and validation "
                 "(leakage).%4")
                  .arg(groups.size())
                  .arg(crossClass)
                  .arg(leaks)
                  .arg(int(groups.size()) > kMaxGroups ? tr(" The first %1 are shown.").arg(kMaxGroups) : QString()));

    for (size_t g = 0; g < groups.size() && g < size_t(kMaxGroups); ++g) {
        const DuplicateGroup &group = groups[g];
        auto row = std::make_unique<Row>();
        row->frame = new QFrame;
        row->frame->setFrameShape(QFrame::StyledPanel);
        auto *rowLayout = new QVBoxLayout(row->frame);
        auto *header = new QHBoxLayout;
        row->title = new QLabel(describe(group, manifest));
        row->title->setTextFormat(Qt::RichText);
        row->resolve = new QPushButton(tr("Keep first, exclude others"));
        row->resolve->setToolTip(
            tr("Excludes every image of the group but the first (training images come first). Undo brings them back."));
        const std::vector<int> others = group.othersThanFirst();
        row->members = group.members;
        // One click must not silently take hundreds of images out: a large group asks first, and
        // says which classes would lose how many.
        const QString losses = int(others.size()) > kConfirmAbove ? classBreakdown(others, manifest) : QString();
        connect(row->resolve, &QPushButton::clicked, this, [this, others, losses] {
            if (int(others.size()) > kConfirmAbove && !confirmExclusion(int(others.size()), losses))
                return;
            Q_EMIT resolveRequested(others);
        });
        header->addWidget(row->title, 1);
        header->addWidget(row->resolve);
        rowLayout->addLayout(header);
        auto *strip = new QHBoxLayout;
        for (size_t m = 0; m < group.members.size() && m < size_t(kMaxShownMembers); ++m) {
            const int entry = group.members[m];
            const ManifestEntry &e = manifest.entries[size_t(entry)];
            auto *cell = new QVBoxLayout;
            auto *picture = new QLabel;
            picture->setFixedSize(kThumbnailSide, kThumbnailSide);
            picture->setAlignment(Qt::AlignCenter);
            picture->setToolTip(e.relativePath);
            showThumbnail(picture, manifest.absolutePath(e));
            auto *caption = new QLabel;
            caption->setAlignment(Qt::AlignCenter);
            caption->setFixedWidth(kThumbnailSide + 24);
            row->captions.emplace_back(entry, caption);
            cell->addWidget(picture, 0, Qt::AlignHCenter);
            cell->addWidget(caption);
            strip->addLayout(cell);
        }
        if (group.members.size() > size_t(kMaxShownMembers)) {
            auto *more = new QLabel(tr("+%1 more").arg(group.members.size() - size_t(kMaxShownMembers)));
            more->setObjectName(QStringLiteral("moreMembers"));
            QStringList paths;
            for (size_t m = kMaxShownMembers; m < group.members.size() && paths.size() < kMaxListedPaths; ++m)
                paths << manifest.entries[size_t(group.members[m])].relativePath;
            if (group.members.size() > size_t(kMaxShownMembers + kMaxListedPaths))
                paths << QStringLiteral("…");
            more->setToolTip(paths.join(QLatin1Char('\n')));
            strip->addWidget(more, 0, Qt::AlignVCenter);
        }
        strip->addStretch(1);
        rowLayout->addLayout(strip);
        m_list->insertWidget(m_list->count() - 1, row->frame);
        m_rows.push_back(std::move(row));
    }
    refresh(manifest);
}

void DuplicatesView::refresh(const DatasetManifest &manifest)
{
    for (size_t g = 0; g < m_rows.size(); ++g) {
        Row &row = *m_rows[g];
        int included = 0;
        for (int entry : row.members)
            included += size_t(entry) < manifest.entries.size() && manifest.entries[size_t(entry)].included ? 1 : 0;
        for (const auto &[entry, caption] : row.captions) {
            if (size_t(entry) >= manifest.entries.size())
                continue;
            const ManifestEntry &e = manifest.entries[size_t(entry)];
            const QString name = QFileInfo(e.relativePath).fileName();
            const QString where = QStringLiteral("%1 · %2").arg(manifest.className(e),
                                                                e.split == SampleSplit::Val ? tr("val") : tr("train"));
            // Long file names are elided in the middle, whole in the tooltip, never cut off.
            const QString shown = caption->fontMetrics().elidedText(name, Qt::ElideMiddle,
                                                                    caption->width() > 0 ? caption->width() - 4 : 140);
            caption->setToolTip(QDir::toNativeSeparators(e.relativePath));
            caption->setText(e.included ? QStringLiteral("%1\n%2").arg(shown, where) : tr("✕ excluded\n%1").arg(shown));
            caption->setEnabled(e.included);
        }
        const bool resolved = included <= 1;
        row.resolve->setEnabled(!resolved);
        row.resolve->setText(resolved ? tr("Resolved") : tr("Keep first, exclude others"));
    }
}

bool DuplicatesView::confirmExclusion(int count, const QString &losses)
{
    QMessageBox box(QMessageBox::Question, tr("Exclude %1 images?").arg(count),
                    tr("This keeps the first image of the group and excludes the other %1, from %2. Undo brings "
                       "them back.")
                        .arg(count)
                        .arg(losses),
                    QMessageBox::Cancel, this);
    QPushButton *exclude = box.addButton(tr("Exclude %1").arg(count), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == exclude;
}

void DuplicatesView::showThumbnail(QLabel *picture, const QString &path)
{
    if (const QString failure = m_thumbnails->failure(path); !failure.isEmpty()) {
        picture->setText(tr("cannot show:\n%1").arg(failure));
        return;
    }
    const QPixmap pixmap = m_thumbnails->thumbnail(path, kThumbnailSide);
    if (pixmap.isNull()) {
        m_pictures.insert(path, picture); // queued; loaded() brings it
        return;
    }
    // A tiny image (28 × 28 Fashion-MNIST) is shown at a whole multiple of its size, pixels kept sharp,
    // so that two look-alikes can be told apart at a glance.
    const int factor = std::max(1, kThumbnailSide / std::max(1, std::max(pixmap.width(), pixmap.height())));
    picture->setPixmap(factor > 1 ? pixmap.scaled(pixmap.size() * factor, Qt::KeepAspectRatio, Qt::FastTransformation)
                                  : pixmap);
}

void DuplicatesView::onLoaded(const QString &path)
{
    const QList<QLabel *> pictures = m_pictures.values(path);
    m_pictures.remove(path);
    for (QLabel *picture : pictures)
        showThumbnail(picture, path);
}

} // namespace tandem
