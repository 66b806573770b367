#include "preprocess_preview.h"

#include "preview_tile.h"
#include "theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace tandem {

PreprocessPreview::PreprocessPreview(QWidget *parent)
    : QWidget(parent), m_renderer(new PreviewRenderer(this)), m_size(new QLabel), m_timing(new QLabel),
      m_hint(new QLabel(tr("Select images in the grid to see what training will be given."))),
      m_reroll(new QPushButton(Theme::icon(QStringLiteral("reroll")), tr("Re-roll"))), m_tiles(new QVBoxLayout)
{
    m_size->setObjectName(QStringLiteral("previewSize"));
    m_size->setWordWrap(true);
    m_timing->setProperty("role", QStringLiteral("caption"));
    m_hint->setProperty("role", QStringLiteral("caption"));
    m_hint->setWordWrap(true);
    m_reroll->setObjectName(QStringLiteral("rerollButton"));
    m_reroll->setToolTip(tr("Show other random crops and flips of the same images"));

    auto *header = new QHBoxLayout;
    auto *title = new QLabel(tr("Preview"));
    title->setProperty("role", QStringLiteral("heading"));
    header->addWidget(title);
    header->addSpacing(6);
    header->addWidget(m_timing);
    header->addStretch(1);
    header->addWidget(m_reroll);

    auto *tilesHost = new QWidget;
    m_tiles->setContentsMargins(0, 0, 0, 0);
    m_tiles->setSpacing(8);
    tilesHost->setLayout(m_tiles);
    m_tiles->addWidget(m_hint);
    m_tiles->addStretch(1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(tilesHost);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addLayout(header);
    layout->addWidget(m_size);
    layout->addWidget(scroll, 1);

    connect(m_reroll, &QPushButton::clicked, this, &PreprocessPreview::reroll);
    connect(m_renderer, &PreviewRenderer::rendered, this, &PreprocessPreview::showFrame);
    updateSizeText();
}

void PreprocessPreview::setPaths(const QStringList &paths)
{
    m_renderer->setPaths(paths);
}

void PreprocessPreview::setOptions(const PreprocessOptions &options)
{
    m_renderer->setOptions(options);
    updateSizeText();
}

void PreprocessPreview::setBatchSize(int batchSize)
{
    m_batchSize = std::max(1, batchSize);
    updateSizeText();
}

void PreprocessPreview::reroll()
{
    m_renderer->reroll();
}

int PreprocessPreview::tileCount() const
{
    return int(m_tileWidgets.size());
}

QImage PreprocessPreview::outputImage(int tile) const
{
    return tile >= 0 && tile < m_tileWidgets.size() ? m_tileWidgets[tile]->outputImage() : QImage();
}

QString PreprocessPreview::sizeText() const
{
    return m_size->text();
}

void PreprocessPreview::updateSizeText()
{
    const PreprocessOptions &o = m_renderer->options();
    const QLocale locale;
    m_size->setText(
        tr("Output <b>%1 × %2 × %3</b> (%4) · <b>%5</b> per sample · %6 per batch of %7 · uint8, "
           "normalised on the agent")
            .arg(o.width)
            .arg(o.height)
            .arg(o.channels())
            .arg(o.color == PreprocessOptions::Color::Gray ? tr("gray") : tr("RGB"),
                 locale.formattedDataSize(o.sampleBytes(), 1, QLocale::DataSizeTraditionalFormat),
                 locale.formattedDataSize(o.sampleBytes() * m_batchSize, 1, QLocale::DataSizeTraditionalFormat))
            .arg(m_batchSize));
}

void PreprocessPreview::showFrame(const PreviewFrame &frame)
{
    const std::size_t count = frame.items.size();
    while (m_tileWidgets.size() > qsizetype(count))
        delete m_tileWidgets.takeLast();
    while (m_tileWidgets.size() < qsizetype(count)) {
        auto *tile = new PreviewTile;
        m_tiles->insertWidget(int(m_tileWidgets.size()), tile);
        m_tileWidgets.append(tile);
    }
    for (std::size_t i = 0; i < count; ++i)
        m_tileWidgets[qsizetype(i)]->setItem(frame.items[i]);
    m_hint->setVisible(count == 0);
    m_reroll->setEnabled(count > 0);
    m_timing->setText(count == 0 ? QString()
                                 : tr("%1 image(s) in %2 ms").arg(count).arg(double(frame.renderNs) / 1e6, 0, 'f', 1));
    Q_EMIT frameShown(frame.request);
}

} // namespace tandem
