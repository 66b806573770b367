#include "dataset_page.h"

#include "class_list_panel.h"
#include "dataset_model.h"
#include "preprocess_controls.h"
#include "preprocess_preview.h"
#include "settings/settings_store.h"
#include "thumbnail_grid.h"

#include <QLabel>
#include <QSet>
#include <QSplitter>
#include <QVBoxLayout>

namespace tandem {

namespace {
constexpr int kExamples = 4;

QWidget *padded(QWidget *content, int left, int right)
{
    auto *host = new QWidget;
    auto *layout = new QVBoxLayout(host);
    layout->setContentsMargins(left, 8, right, 8);
    layout->addWidget(content);
    return host;
}
} // namespace

DatasetPage::DatasetPage(ThumbnailService *thumbnails, QWidget *parent)
    : QWidget(parent), m_classes(new ClassListPanel), m_grid(new ThumbnailGrid(thumbnails)),
      m_controls(new PreprocessControls), m_preview(new PreprocessPreview), m_splitter(new QSplitter(Qt::Horizontal))
{
    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(8);
    auto *heading = new QLabel(tr("Preprocessing"));
    heading->setProperty("role", QStringLiteral("heading"));
    auto *note = new QLabel(tr("What this computer does to every training image before it is sent. "
                               "Validation images get the centre crop at the same size."));
    note->setProperty("role", QStringLiteral("caption"));
    note->setWordWrap(true);
    auto *card = new QFrame;
    card->setProperty("card", true);
    auto *cardLayout = new QVBoxLayout(card);
    cardLayout->setContentsMargins(12, 10, 12, 10);
    cardLayout->addWidget(m_controls);
    rightLayout->addWidget(heading);
    rightLayout->addWidget(note);
    rightLayout->addWidget(card);
    rightLayout->addWidget(m_preview, 1);

    m_splitter->addWidget(padded(m_classes, 10, 4));
    m_splitter->addWidget(padded(m_grid, 4, 4));
    m_splitter->addWidget(padded(right, 4, 10));
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setStretchFactor(2, 0);
    m_splitter->setSizes({300, 700, 520});
    m_splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);

    connect(m_classes, &ClassListPanel::classSelected, m_grid, &ThumbnailGrid::setClassFilter);
    connect(m_grid, &ThumbnailGrid::selectionChanged, m_preview, &PreprocessPreview::setPaths);
    connect(m_grid, &ThumbnailGrid::openRequested, this, &DatasetPage::openRequested);
    connect(m_controls, &PreprocessControls::optionsChanged, this, [this](const PreprocessOptions &options) {
        m_preview->setOptions(options);
        Q_EMIT preprocessChanged(options);
    });
    m_preview->setOptions(m_controls->options());
}

void DatasetPage::setIndex(const DatasetIndex &index)
{
    m_classes->setIndex(index);
    m_grid->setIndex(index);
    selectExamples();
}

void DatasetPage::clear()
{
    m_classes->clear();
    m_grid->clear();
}

bool DatasetPage::addSkipped(const SkippedFile &file)
{
    return m_classes->addSkipped(file);
}

void DatasetPage::selectExamples()
{
    const DatasetModel *model = m_grid->model();
    QList<int> rows;
    QSet<int> labels;
    for (int row = 0; row < model->rowCount() && rows.size() < kExamples; ++row) {
        const IndexedSample *sample = model->sampleAt(row);
        if (!labels.contains(sample->label)) {
            rows.append(row);
            labels.insert(sample->label);
        }
    }
    m_grid->selectRows(rows);
}

PreprocessOptions DatasetPage::preprocessOptions() const
{
    return m_controls->options();
}

void DatasetPage::setPreprocessOptions(const PreprocessOptions &options)
{
    m_controls->setOptions(options);
}

void DatasetPage::setBatchSize(int batchSize)
{
    m_preview->setBatchSize(batchSize);
}

void DatasetPage::saveSettings(SettingsStore &settings) const
{
    settings.setUiValue(QStringLiteral("dataset/splitter"), m_splitter->saveState());
    settings.setUiValue(QStringLiteral("dataset/classSplitter"), m_classes->splitter()->saveState());
    settings.setUiValue(QStringLiteral("dataset/thumbnailSize"), m_grid->thumbnailSize());
}

void DatasetPage::restoreSettings(const SettingsStore &settings)
{
    m_splitter->restoreState(settings.uiValue(QStringLiteral("dataset/splitter")).toByteArray());
    m_classes->splitter()->restoreState(settings.uiValue(QStringLiteral("dataset/classSplitter")).toByteArray());
    m_grid->setThumbnailSize(settings.uiValue(QStringLiteral("dataset/thumbnailSize"), 96).toInt());
}

} // namespace tandem
