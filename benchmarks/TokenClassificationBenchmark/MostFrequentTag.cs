namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// The classic tagging baseline: every word gets the tag it carried most often in training (the ordinally first tag on ties); a word
/// not seen in training gets the most frequent tag overall.
/// </summary>
public sealed class MostFrequentTag
{
    private readonly Dictionary<string, string> _tagOf;
    private readonly Func<string, string> _key;

    private MostFrequentTag(Dictionary<string, string> tagOf, string fallback, int tagCount, Func<string, string> key)
    {
        _tagOf = tagOf;
        _key = key;
        Fallback = fallback;
        TagCount = tagCount;
    }

    /// <summary>The most frequent tag of the training words, given to unknown words.</summary>
    public string Fallback { get; }

    /// <summary>The number of distinct tags seen in training.</summary>
    public int TagCount { get; }

    /// <summary>Counts the tags of every training word.</summary>
    /// <param name="sentences">Training sentences: words and one tag per word.</param>
    /// <param name="key">What identifies a word (e.g. its lower-cased form).</param>
    public static MostFrequentTag Fit(IEnumerable<(string[] Words, string[] Tags)> sentences, Func<string, string> key)
    {
        var counts = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var overall = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (words, tags) in sentences)
        {
            for (int i = 0; i < words.Length; i++)
            {
                string word = key(words[i]);
                if (!counts.TryGetValue(word, out var tagCounts))
                    counts[word] = tagCounts = new Dictionary<string, int>(StringComparer.Ordinal);
                tagCounts[tags[i]] = tagCounts.GetValueOrDefault(tags[i]) + 1;
                overall[tags[i]] = overall.GetValueOrDefault(tags[i]) + 1;
            }
        }
        var tagOf = counts.ToDictionary(kv => kv.Key, kv => Most(kv.Value), StringComparer.Ordinal);
        return new MostFrequentTag(tagOf, Most(overall), overall.Count, key);
    }

    /// <summary>The tag of every word of a sentence.</summary>
    public string[] Predict(string[] words) => words.Select(w => _tagOf.GetValueOrDefault(_key(w), Fallback)).ToArray();

    private static string Most(Dictionary<string, int> counts) =>
        counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First().Key;
}
