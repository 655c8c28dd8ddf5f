namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// The word-for-word baseline: IBM Model 1 word translation probabilities t(f | e) learned by expectation-maximization from the
/// training pairs (Brown et al. 1993, with the empty word so a target word can come from nothing), then each source word replaced by
/// its most probable target word. Words are sacreBLEU's 13a tokens, cased. Written here because no served library has it.
/// </summary>
internal sealed class IbmModel1
{
    private const int NullWord = 0;
    private readonly Dictionary<string, int> _source = new(StringComparer.Ordinal) { ["<null>"] = NullWord };
    private readonly Dictionary<string, int> _target = new(StringComparer.Ordinal);
    private readonly List<string> _targetWords = [];
    private string[] _best = [];

    /// <summary>Learns t(f | e) over <paramref name="iterations"/> EM iterations from uniform probabilities.</summary>
    public static IbmModel1 Train(IReadOnlyList<(string Source, string Target)> pairs, int iterations, Action<string> log)
    {
        var model = new IbmModel1();
        // Every (e, f) pair that co-occurs in some sentence pair gets one slot; a sentence pair is its target words' rows of slots.
        var slotOf = new Dictionary<(int Source, int Target), int>();   // a tuple key: long's hash (low ^ high word) collides for small ids
        var slotSource = new List<int>();
        var sentences = new List<(int[] Slots, int SourceCount)>(pairs.Count);
        foreach (var (sourceText, targetText) in pairs)
        {
            int[] source = [NullWord, .. TranslationEvaluator.Tokenize13a(sourceText).Select(w => Id(model._source, w))];
            int[] target = [.. TranslationEvaluator.Tokenize13a(targetText).Select(model.TargetId)];
            var slots = new int[target.Length * source.Length];
            for (int j = 0; j < target.Length; j++)
            {
                for (int i = 0; i < source.Length; i++)
                {
                    var key = (source[i], target[j]);
                    if (!slotOf.TryGetValue(key, out int slot))
                    {
                        slot = slotOf.Count;
                        slotOf.Add(key, slot);
                        slotSource.Add(source[i]);
                    }
                    slots[j * source.Length + i] = slot;
                }
            }
            sentences.Add((slots, source.Length));
        }

        var t = new double[slotOf.Count];
        Array.Fill(t, 1.0 / model._target.Count);
        var counts = new double[t.Length];
        var totals = new double[model._source.Count];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            Array.Clear(counts);
            Array.Clear(totals);
            foreach (var (slots, sourceCount) in sentences)
            {
                for (int row = 0; row < slots.Length; row += sourceCount)
                {
                    double z = 0;
                    for (int i = 0; i < sourceCount; i++)
                        z += t[slots[row + i]];
                    for (int i = 0; i < sourceCount; i++)
                        counts[slots[row + i]] += t[slots[row + i]] / z;
                }
            }

            for (int slot = 0; slot < counts.Length; slot++)
                totals[slotSource[slot]] += counts[slot];
            for (int slot = 0; slot < counts.Length; slot++)
                t[slot] = counts[slot] / totals[slotSource[slot]];
            log($"IBM Model 1 EM iteration {iteration + 1}/{iterations}: {slotOf.Count:N0} word pairs");
        }

        // The most probable target word of each source word.
        var best = new double[model._source.Count];
        model._best = new string[model._source.Count];
        foreach (var (key, slot) in slotOf)
        {
            var (e, f) = key;
            if (t[slot] > best[e])
            {
                best[e] = t[slot];
                model._best[e] = model._targetWords[f];
            }
        }
        return model;
    }

    /// <summary>Each source word's most probable target word; a word never seen in training is copied.</summary>
    public string Translate(string source) => string.Join(' ', TranslationEvaluator.Tokenize13a(source)
        .Select(w => _source.TryGetValue(w, out int e) && _best[e] is { } f ? f : w));

    private int TargetId(string word)
    {
        if (!_target.TryGetValue(word, out int id))
        {
            id = _target.Count;
            _target.Add(word, id);
            _targetWords.Add(word);
        }
        return id;
    }

    private static int Id(Dictionary<string, int> vocabulary, string word)
    {
        if (!vocabulary.TryGetValue(word, out int id))
        {
            id = vocabulary.Count;
            vocabulary.Add(word, id);
        }
        return id;
    }
}
