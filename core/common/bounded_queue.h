// A closable FIFO of fixed capacity between a producer thread and a consumer thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace tandem {

// One queue for both hosts: the client's producer pushes with push() (blocking while full) and its
// network side takes with tryPop(); the agent's network thread uses tryPush() (credits make "full"
// a protocol violation) and its trainer waits in pop(). close() wakes every waiter for good.
template <typename T> class BoundedQueue {
public:
    explicit BoundedQueue(std::size_t capacity) : m_capacity(capacity > 0 ? capacity : 1) {}
    BoundedQueue(const BoundedQueue &) = delete;
    BoundedQueue &operator=(const BoundedQueue &) = delete;

    // Blocks while full; false when the queue was closed instead.
    bool push(T item)
    {
        {
            std::unique_lock lock(m_mutex);
            m_notFull.wait(lock, [this] { return m_closed || m_items.size() < m_capacity; });
            if (m_closed)
                return false;
            m_items.push_back(std::move(item));
        }
        m_notEmpty.notify_one();
        return true;
    }

    // Never blocks: false when the queue is full or closed.
    [[nodiscard]] bool tryPush(T item)
    {
        {
            std::lock_guard lock(m_mutex);
            if (m_closed || m_items.size() >= m_capacity)
                return false;
            m_items.push_back(std::move(item));
        }
        m_notEmpty.notify_one();
        return true;
    }

    // Blocks until an item arrives; nullopt once the queue is closed.
    [[nodiscard]] std::optional<T> pop()
    {
        std::unique_lock lock(m_mutex);
        m_notEmpty.wait(lock, [this] { return m_closed || !m_items.empty(); });
        return takeLocked(lock);
    }

    // Never blocks: nullopt when empty or closed.
    [[nodiscard]] std::optional<T> tryPop()
    {
        std::unique_lock lock(m_mutex);
        return takeLocked(lock);
    }

    // Drops the pending items, fails later pushes and wakes every blocked producer and consumer.
    void close()
    {
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
            m_items.clear();
        }
        m_notFull.notify_all();
        m_notEmpty.notify_all();
    }

    [[nodiscard]] bool isClosed() const
    {
        std::lock_guard lock(m_mutex);
        return m_closed;
    }
    [[nodiscard]] std::size_t size() const
    {
        std::lock_guard lock(m_mutex);
        return m_items.size();
    }
    [[nodiscard]] std::size_t capacity() const { return m_capacity; }

private:
    std::optional<T> takeLocked(std::unique_lock<std::mutex> &lock)
    {
        if (m_closed || m_items.empty())
            return std::nullopt;
        std::optional<T> item(std::move(m_items.front()));
        m_items.pop_front();
        lock.unlock();
        m_notFull.notify_one();
        return item;
    }

    const std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::condition_variable m_notFull;
    std::condition_variable m_notEmpty;
    std::deque<T> m_items;
    bool m_closed = false;
};

} // namespace tandem
