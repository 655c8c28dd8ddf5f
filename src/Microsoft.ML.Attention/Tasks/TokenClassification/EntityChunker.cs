namespace Microsoft.ML.Attention.Tasks;

/// <summary>An entity span over words: its type and its first and last word (inclusive).</summary>
internal readonly record struct EntitySpan(string Type, int FirstWord, int LastWord);

/// <summary>
/// Reads entity spans from per-word tags with the rules of <see cref="TagScheme"/> (conlleval, as seqeval's default mode extends it to
/// BIOES); shared by <see cref="TokenClassificationEvaluator"/> and <see cref="EntityDecoder"/>.
/// </summary>
internal static class EntityChunker
{
    /// <summary>The spans of one sentence's tags, in order.</summary>
    /// <param name="tags">One tag per word.</param>
    /// <param name="scheme">The tag scheme; <see cref="TagScheme.None"/> gives no spans.</param>
    /// <param name="where">Names the sentence in error messages (e.g. "predicted sentence 3").</param>
    /// <exception cref="FormatException">A tag is not <c>O</c> or one of the scheme's prefixes, a hyphen and a type; the message names it and its word.</exception>
    public static List<EntitySpan> Chunks(IReadOnlyList<string> tags, TagScheme scheme, string where)
    {
        var spans = new List<EntitySpan>();
        if (scheme == TagScheme.None)
            return spans;
        char previousPrefix = 'O';
        string previousType = "";
        int start = -1;
        for (int i = 0; i <= tags.Count; i++)
        {
            var (prefix, type) = i < tags.Count ? Parse(tags[i], scheme, where, i) : ('O', "");
            if (start >= 0 && EndsBefore(previousPrefix, prefix, previousType, type))
            {
                spans.Add(new EntitySpan(previousType, start, i - 1));
                start = -1;
            }
            if (StartsAt(previousPrefix, prefix, previousType, type))
                start = i;
            (previousPrefix, previousType) = (prefix, type);
        }
        return spans;
    }

    // seqeval's end_of_chunk: the chunk that holds the previous word ends before this word.
    private static bool EndsBefore(char previous, char current, string previousType, string type) =>
        previous is 'E' or 'S'
        || (previous is 'B' or 'I' && current is 'B' or 'S' or 'O')
        || (previous != 'O' && previousType != type);

    // seqeval's start_of_chunk: a chunk starts at this word.
    private static bool StartsAt(char previous, char current, string previousType, string type) =>
        current is 'B' or 'S'
        || (previous is 'E' or 'S' or 'O' && current is 'E' or 'I')
        || (current != 'O' && previousType != type);

    private static (char Prefix, string Type) Parse(string tag, TagScheme scheme, string where, int word)
    {
        if (tag == "O")
            return ('O', "");
        string allowed = scheme == TagScheme.Bioes ? "BIOES" : "BIO";
        if (tag is null || tag.Length < 3 || tag[1] != '-' || allowed.IndexOf(tag[0], StringComparison.Ordinal) < 0 || tag[0] == 'O')
        {
            throw new FormatException(
                $"The tag '{tag}' of word {word} in {where} is not an {scheme} tag: expected O or one of {string.Join(", ", allowed.Where(c => c != 'O').Select(c => c + "-TYPE"))}.");
        }
        return (tag[0], tag[2..]);
    }
}
