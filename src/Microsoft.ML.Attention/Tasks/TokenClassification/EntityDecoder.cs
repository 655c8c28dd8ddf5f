namespace Microsoft.ML.Attention.Tasks;

/// <summary>An entity found in a sentence.</summary>
/// <param name="Type">The entity type (the tag after its prefix, e.g. <c>PER</c>).</param>
/// <param name="Text">The entity's words joined by single spaces.</param>
/// <param name="Start">The index of its first character in the sentence text (the words joined by single spaces).</param>
/// <param name="Length">Its number of characters in that text.</param>
/// <param name="Score">The mean of its words' probabilities.</param>
internal readonly record struct DecodedEntity(string Type, string Text, int Start, int Length, float Score);

/// <summary>
/// Turns per-word tags into entities (Hugging Face's token-classification aggregation <c>simple</c>: adjacent words of one entity are
/// grouped, the score is the mean of their probabilities). The spans follow <see cref="TagScheme"/>'s rules; for IOB2 and IOB1 they are
/// exactly Hugging Face's grouping (an <c>I-X</c> continues an entity of type X and starts one after <c>O</c> or another type).
/// Character offsets index the sentence as its words joined by single spaces, the text the scorer's input is read as.
/// </summary>
internal static class EntityDecoder
{
    /// <summary>The entities of one sentence, in order.</summary>
    /// <param name="words">The sentence's words.</param>
    /// <param name="tags">One predicted tag per word.</param>
    /// <param name="scores">One probability per word (of its tag).</param>
    /// <param name="scheme">The tag scheme; <see cref="TagScheme.None"/> gives no entities.</param>
    /// <exception cref="ArgumentException">The three lists differ in length.</exception>
    /// <exception cref="FormatException">A tag does not belong to the scheme.</exception>
    public static List<DecodedEntity> Decode(IReadOnlyList<string> words, IReadOnlyList<string> tags, IReadOnlyList<float> scores, TagScheme scheme)
    {
        if (tags.Count != words.Count || scores.Count != words.Count)
            throw new ArgumentException($"A sentence of {words.Count} words has {tags.Count} tags and {scores.Count} scores; each word needs one of each.", nameof(tags));
        var starts = new int[words.Count];
        for (int w = 1; w < words.Count; w++)
            starts[w] = starts[w - 1] + words[w - 1].Length + 1;
        var entities = new List<DecodedEntity>();
        foreach (var span in EntityChunker.Chunks(tags, scheme, "the predicted tags"))
        {
            int start = starts[span.FirstWord];
            int end = starts[span.LastWord] + words[span.LastWord].Length;
            float score = 0;
            for (int w = span.FirstWord; w <= span.LastWord; w++)
                score += scores[w];
            string text = string.Join(' ', words.Skip(span.FirstWord).Take(span.LastWord - span.FirstWord + 1));
            entities.Add(new DecodedEntity(span.Type, text, start, end - start, score / (span.LastWord - span.FirstWord + 1)));
        }
        return entities;
    }
}
