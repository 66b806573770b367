// Groups items around representatives, never by chaining: every member of a group matches its
// representative itself. The item with the most matches founds a group of its matches not yet in a
// group, then the next item that has any left, and so on. Joining matches transitively instead once
// made one "near duplicate" group of 450 sneakers, shirts and bags out of look-alike pairs; pHash
// duplicates (DuplicateFinder) and embedding neighbours (EmbeddingNeighbours) both group this way.
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <vector>

namespace tandem {

struct RepresentativeCluster {
    std::size_t representative = 0;
    std::vector<std::size_t> members; // the representative first, then its matches in their order
};

// matches[i]: the items that match item i (symmetric: j in matches[i] ⇔ i in matches[j]). Ties in
// the number of matches go to the lower index. A representative whose matches all went to earlier
// groups founds none. Groups come out in founding order.
[[nodiscard]] inline std::vector<RepresentativeCluster>
clusterAroundRepresentatives(const std::vector<std::vector<std::size_t>> &matches)
{
    const std::size_t count = matches.size();
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&matches](std::size_t a, std::size_t b) { return matches[a].size() > matches[b].size(); });
    std::vector<bool> assigned(count, false);
    std::vector<RepresentativeCluster> clusters;
    for (const std::size_t representative : order) {
        if (assigned[representative] || matches[representative].empty())
            continue;
        RepresentativeCluster cluster;
        cluster.representative = representative;
        cluster.members.push_back(representative);
        for (const std::size_t item : matches[representative])
            if (!assigned[item] && item != representative)
                cluster.members.push_back(item);
        if (cluster.members.size() < 2)
            continue;
        for (const std::size_t item : cluster.members)
            assigned[item] = true;
        clusters.push_back(std::move(cluster));
    }
    return clusters;
}

} // namespace tandem
