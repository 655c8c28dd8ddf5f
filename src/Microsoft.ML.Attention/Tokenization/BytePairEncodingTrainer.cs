namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// Learns a byte-pair-encoding vocabulary from text (Sennrich et al. 2016, as SentencePiece's BPE trainer and Hugging Face
/// tokenizers' <c>BpeTrainer</c> do): start from the characters, then repeatedly add the most frequent adjacent pair of pieces as a new
/// piece. Written here because no library the project can use trains one: Microsoft.ML.Tokenizers 2.0.1 loads BPE, SentencePiece and
/// tiktoken vocabularies but has no trainer (its SentencePiece <c>TrainerSpec</c> is only the protobuf message it parses), and neither
/// SentencePiece nor Hugging Face tokenizers is served for .NET. The learned pieces are encoded and decoded by Microsoft.ML.Tokenizers'
/// own <see cref="Microsoft.ML.Tokenizers.SentencePieceTokenizer"/> (see <see cref="SubwordBackend"/>).
/// </summary>
/// <remarks>
/// Words are the runs of text between spaces, each with the space before it (SentencePiece's dummy prefix gives the first word one),
/// so a piece never spans two words and may start with a space. Text is not normalized: case and accents are kept. Deterministic: ties in
/// frequency go to the ordinally smaller pair, characters are ordered by frequency and then code point. Bounded work: at most
/// <see cref="MaxWords"/> distinct words (the most frequent) of at most <see cref="MaxWordCharacters"/> characters take part in merging,
/// and each merge rewrites only the words that hold the pair.
/// </remarks>
internal static class BytePairEncodingTrainer
{
    /// <summary>Distinct words that take part in merging (the most frequent).</summary>
    public const int MaxWords = 200_000;

    /// <summary>Longer words keep their characters but take no part in merging.</summary>
    public const int MaxWordCharacters = 64;

    /// <summary>A pair must occur at least this often to be merged.</summary>
    private const long MinPairCount = 2;

    /// <summary>
    /// The learned pieces in order: the characters kept (at most <paramref name="maxPieces"/>, most frequent first), then one merged
    /// piece per merge, until <paramref name="maxPieces"/> pieces or no pair occurs twice.
    /// </summary>
    /// <param name="corpus">Training texts; null entries are skipped.</param>
    /// <param name="maxPieces">Most pieces to return; positive.</param>
    public static List<string> Train(IEnumerable<string?> corpus, int maxPieces)
    {
        var wordCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        var characterCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in corpus)
        {
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var word = " " + part;
                wordCounts[word] = wordCounts.GetValueOrDefault(word) + 1;
            }
        }

        foreach (var (word, count) in wordCounts)
        {
            foreach (var rune in word.EnumerateRunes())
            {
                var character = rune.ToString();
                characterCounts[character] = characterCounts.GetValueOrDefault(character) + count;
            }
        }

        var pieces = characterCounts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(maxPieces).Select(c => c.Key).ToList();
        var ids = pieces.Select((piece, id) => (piece, id)).ToDictionary(p => p.piece, p => p.id, StringComparer.Ordinal);
        var words = wordCounts.Where(w => w.Key.Length <= MaxWordCharacters)
            .OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal).Take(MaxWords)
            .Select(w => (Symbols: w.Key.EnumerateRunes().Select(r => ids.GetValueOrDefault(r.ToString(), -1)).ToList(), Count: w.Value))
            .ToList();
        new Merger(pieces, words).Run(maxPieces);
        return pieces;
    }

    /// <summary>The merge loop over words as lists of piece ids (-1 = a character left out, which no pair crosses).</summary>
    private sealed class Merger
    {
        private readonly List<string> _pieces;
        private readonly List<(List<int> Symbols, long Count)> _words;
        private readonly Dictionary<long, long> _pairCounts = [];
        private readonly Dictionary<long, HashSet<int>> _pairWords = [];
        private readonly PriorityQueue<long, (long Count, string Left, string Right)> _queue;

        public Merger(List<string> pieces, List<(List<int> Symbols, long Count)> words)
        {
            _pieces = pieces;
            _words = words;
            _queue = new PriorityQueue<long, (long Count, string Left, string Right)>(Comparer<(long Count, string Left, string Right)>.Create((a, b) =>
            {
                int byCount = b.Count.CompareTo(a.Count); // most frequent first
                if (byCount != 0)
                {
                    return byCount;
                }

                int byLeft = string.CompareOrdinal(a.Left, b.Left);
                return byLeft != 0 ? byLeft : string.CompareOrdinal(a.Right, b.Right);
            }));
        }

        public void Run(int maxPieces)
        {
            for (int w = 0; w < _words.Count; w++)
            {
                Count(w, +1, changed: null);
            }

            foreach (var pair in _pairCounts.Keys)
            {
                Enqueue(pair);
            }

            var changed = new HashSet<long>();
            while (_pieces.Count < maxPieces && _queue.TryDequeue(out long pair, out var priority))
            {
                if (_pairCounts.GetValueOrDefault(pair) != priority.Count)
                {
                    continue; // stale: the pair's count changed after it was queued
                }

                if (priority.Count < MinPairCount)
                {
                    break;
                }

                int merged = _pieces.Count;
                _pieces.Add(priority.Left + priority.Right);
                var (left, right) = ((int)(pair >> 32), (int)pair);
                changed.Clear();
                foreach (int w in _pairWords[pair].Order().ToList())
                {
                    Count(w, -1, changed);
                    Replace(_words[w].Symbols, left, right, merged);
                    Count(w, +1, changed);
                }

                _pairCounts.Remove(pair);
                _pairWords.Remove(pair);
                foreach (long other in changed)
                {
                    if (other != pair && _pairCounts.GetValueOrDefault(other) > 0)
                    {
                        Enqueue(other);
                    }
                }
            }
        }

        private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

        private void Enqueue(long pair) =>
            _queue.Enqueue(pair, (_pairCounts[pair], _pieces[(int)(pair >> 32)], _pieces[(int)pair]));

        // Adds (sign +1) or removes (-1) word w's adjacent pairs, weighted by its count.
        private void Count(int w, int sign, HashSet<long>? changed)
        {
            var (symbols, count) = _words[w];
            for (int i = 0; i + 1 < symbols.Count; i++)
            {
                if (symbols[i] < 0 || symbols[i + 1] < 0)
                {
                    continue;
                }

                long pair = Key(symbols[i], symbols[i + 1]);
                _pairCounts[pair] = _pairCounts.GetValueOrDefault(pair) + sign * count;
                changed?.Add(pair);
                if (sign > 0)
                {
                    if (!_pairWords.TryGetValue(pair, out var holders))
                    {
                        _pairWords[pair] = holders = [];
                    }

                    holders.Add(w);
                }
            }
        }

        // Replaces every non-overlapping (left, right), scanning left to right, by merged.
        private static void Replace(List<int> symbols, int left, int right, int merged)
        {
            int write = 0;
            for (int read = 0; read < symbols.Count; read++)
            {
                if (read + 1 < symbols.Count && symbols[read] == left && symbols[read + 1] == right)
                {
                    symbols[write++] = merged;
                    read++;
                }
                else
                {
                    symbols[write++] = symbols[read];
                }
            }

            symbols.RemoveRange(write, symbols.Count - write);
        }
    }
}
