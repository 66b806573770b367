// BoundedQueue: FIFO order, the capacity, blocking push and pop across threads, and close().
#include "common/bounded_queue.h"

#include <QTest>

#include <atomic>
#include <thread>

using namespace tandem;

class TestBoundedQueue : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keepsOrderAndCapacity()
    {
        BoundedQueue<int> queue(3);
        QCOMPARE(queue.capacity(), size_t(3));
        QVERIFY(queue.tryPush(1));
        QVERIFY(queue.push(2));
        QVERIFY(queue.tryPush(3));
        QVERIFY(!queue.tryPush(4)); // full: the agent treats this as a protocol violation
        QCOMPARE(queue.size(), size_t(3));
        QCOMPARE(queue.tryPop(), std::optional<int>(1));
        QCOMPARE(queue.pop(), std::optional<int>(2));
        QCOMPARE(queue.tryPop(), std::optional<int>(3));
        QCOMPARE(queue.tryPop(), std::nullopt);
    }

    void zeroCapacityHoldsOne()
    {
        BoundedQueue<int> queue(0);
        QCOMPARE(queue.capacity(), size_t(1));
        QVERIFY(queue.tryPush(7));
        QVERIFY(!queue.tryPush(8));
    }

    void pushBlocksUntilThereIsRoom()
    {
        BoundedQueue<int> queue(1);
        QVERIFY(queue.push(1));
        std::atomic<bool> pushed{false};
        std::thread producer([&] {
            pushed = queue.push(2); // blocks: the queue is full
        });
        QTest::qWait(50);
        QVERIFY(!pushed);
        QCOMPARE(queue.tryPop(), std::optional<int>(1));
        producer.join();
        QVERIFY(pushed);
        QCOMPARE(queue.tryPop(), std::optional<int>(2));
    }

    void popBlocksUntilAnItemArrives()
    {
        BoundedQueue<QString> queue(2);
        std::optional<QString> received;
        std::thread consumer([&] { received = queue.pop(); });
        QTest::qWait(50);
        QVERIFY(!received);
        QVERIFY(queue.tryPush(QStringLiteral("batch")));
        consumer.join();
        QCOMPARE(received, std::optional<QString>(QStringLiteral("batch")));
    }

    void closeWakesEveryWaiterAndDropsItems()
    {
        BoundedQueue<int> full(1);
        QVERIFY(full.push(1));
        std::atomic<int> pushResult{-1};
        std::thread producer([&] { pushResult = full.push(2) ? 1 : 0; });
        BoundedQueue<int> empty(1);
        std::atomic<int> popResult{-1};
        std::thread consumer([&] { popResult = empty.pop().has_value() ? 1 : 0; });
        QTest::qWait(50);
        QCOMPARE(pushResult.load(), -1);
        QCOMPARE(popResult.load(), -1);
        full.close();
        empty.close();
        producer.join();
        consumer.join();
        QCOMPARE(pushResult.load(), 0);
        QCOMPARE(popResult.load(), 0);
        QVERIFY(full.isClosed());
        QCOMPARE(full.size(), size_t(0)); // the pending item was dropped
        QCOMPARE(full.tryPop(), std::nullopt);
        QVERIFY(!full.tryPush(3));
        QVERIFY(!full.push(3));
    }

    void manyItemsCrossThreadsInOrder()
    {
        BoundedQueue<int> queue(4);
        constexpr int kItems = 10'000;
        std::thread producer([&] {
            for (int i = 0; i < kItems; ++i)
                queue.push(i);
        });
        int expected = 0;
        bool inOrder = true;
        while (expected < kItems) {
            const std::optional<int> item = queue.pop();
            QVERIFY(item);
            inOrder = inOrder && *item == expected;
            ++expected;
        }
        producer.join();
        QVERIFY(inOrder);
        QCOMPARE(queue.size(), size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestBoundedQueue)
#include "tst_bounded_queue.moc"
