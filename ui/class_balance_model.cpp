#include "class_balance_model.h"

#include <QLocale>

#include <algorithm>
#include <numeric>

namespace tandem {

ClassBalanceModel::ClassBalanceModel(QObject *parent) : QAbstractTableModel(parent) {}

void ClassBalanceModel::setIndex(const DatasetIndex &index)
{
    setCounts(index.classNames(), index.classCounts(SampleSplit::Train), index.classCounts(SampleSplit::Val));
}

void ClassBalanceModel::setCounts(const QStringList &names, std::vector<qint64> train, std::vector<qint64> val)
{
    beginResetModel();
    m_names = names;
    m_train = std::move(train);
    m_val = std::move(val);
    m_train.resize(std::size_t(m_names.size()));
    m_val.resize(std::size_t(m_names.size()));
    m_largest = 0;
    for (std::size_t i = 0; i < m_train.size(); ++i)
        m_largest = std::max(m_largest, m_train[i] + m_val[i]);
    endResetModel();
}

int ClassBalanceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_names.size());
}

int ClassBalanceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClassBalanceModel::data(const QModelIndex &index, int role) const
{
    const int row = index.row();
    if (row < 0 || row >= m_names.size())
        return {};
    const qint64 train = m_train[std::size_t(row)];
    const qint64 val = m_val[std::size_t(row)];
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NameColumn: return m_names[row];
        case TrainColumn: return locale.toString(train);
        case ValColumn: return locale.toString(val);
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == TrainColumn || index.column() == ValColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == FractionRole && index.column() == BalanceColumn)
        return m_largest > 0 ? double(train + val) / double(m_largest) : 0.0;
    if (role == Qt::ToolTipRole) {
        const qint64 all = total(SampleSplit::Train) + total(SampleSplit::Val);
        return tr("%1: %2 training, %3 validation (%4% of the dataset)")
            .arg(m_names[row], locale.toString(train), locale.toString(val))
            .arg(all > 0 ? 100.0 * double(train + val) / double(all) : 0.0, 0, 'f', 1);
    }
    return {};
}

QVariant ClassBalanceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Class");
    case TrainColumn: return tr("Train");
    case ValColumn: return tr("Val");
    case BalanceColumn: return tr("Balance");
    default: return {};
    }
}

double ClassBalanceModel::imbalanceRatio() const
{
    if (m_names.isEmpty())
        return 0.0;
    qint64 smallest = -1;
    for (std::size_t i = 0; i < m_train.size(); ++i) {
        const qint64 n = m_train[i] + m_val[i];
        smallest = smallest < 0 ? n : std::min(smallest, n);
    }
    return smallest > 0 ? double(m_largest) / double(smallest) : 0.0;
}

qint64 ClassBalanceModel::total(SampleSplit split) const
{
    const auto &counts = split == SampleSplit::Val ? m_val : m_train;
    return std::accumulate(counts.begin(), counts.end(), qint64(0));
}

} // namespace tandem
