// Per class: training and validation counts, and its share of the largest class (the balance bar).
#pragma once

#include "dataset/dataset_index.h"

#include <QAbstractTableModel>

#include <vector>

namespace tandem {

class ClassBalanceModel : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClassBalanceModel)
public:
    enum Column { NameColumn, TrainColumn, ValColumn, BalanceColumn, ColumnCount };
    static constexpr int FractionRole = Qt::UserRole + 1; // BalanceColumn: count / largest count

    explicit ClassBalanceModel(QObject *parent = nullptr);

    void setIndex(const DatasetIndex &index);
    void setCounts(const QStringList &names, std::vector<qint64> train, std::vector<qint64> val);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // Largest over smallest class (all splits); 1.0 is perfectly balanced, 0 when empty.
    [[nodiscard]] double imbalanceRatio() const;
    [[nodiscard]] qint64 total(SampleSplit split) const;

private:
    QStringList m_names;
    std::vector<qint64> m_train;
    std::vector<qint64> m_val;
    qint64 m_largest = 0;
};

} // namespace tandem
