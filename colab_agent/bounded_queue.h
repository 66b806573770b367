// A bounded, closable FIFO between the agent's network thread (producer) and trainer (consumer).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace tandem::agent {

template <typename T> class BoundedQueue {
public:
    explicit BoundedQueue(std::size_t capacity) : m_capacity(capacity) {}
    BoundedQueue(const BoundedQueue &) = delete;
    BoundedQueue &operator=(const BoundedQueue &) = delete;

    // Never blocks: false when the queue is full or closed (the producer's credit accounting
    // should make "full" impossible, so the caller treats it as a protocol violation).
    [[nodiscard]] bool tryPush(T item)
    {
        {
            std::lock_guard lock(m_mutex);
            if (m_closed || m_items.size() >= m_capacity)
                return false;
            m_items.push_back(std::move(item));
        }
        m_ready.notify_one();
        return true;
    }

    // Blocks until an item arrives; nullopt once the queue is closed (pending items are dropped).
    [[nodiscard]] std::optional<T> pop()
    {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [this] { return m_closed || !m_items.empty(); });
        return takeLocked();
    }

    // Does not block: nullopt when empty or closed.
    [[nodiscard]] std::optional<T> tryPop()
    {
        std::lock_guard lock(m_mutex);
        return takeLocked();
    }

    void close()
    {
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
            m_items.clear();
        }
        m_ready.notify_all();
    }

    [[nodiscard]] std::size_t size() const
    {
        std::lock_guard lock(m_mutex);
        return m_items.size();
    }

private:
    std::optional<T> takeLocked()
    {
        if (m_closed || m_items.empty())
            return std::nullopt;
        std::optional<T> item(std::move(m_items.front()));
        m_items.pop_front();
        return item;
    }

    const std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<T> m_items;
    bool m_closed = false;
};

} // namespace tandem::agent
