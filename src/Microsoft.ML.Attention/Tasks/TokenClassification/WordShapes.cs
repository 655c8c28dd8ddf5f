namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Computes a word's <see cref="WordShape"/> from its text as given, before any tokenizer normalizes it; every sub-word of the word
/// gets its word's shape (<see cref="TokenClassificationAligner.Tensors"/>).
/// </summary>
internal static class WordShapes
{
    /// <summary>The number of shapes, <see cref="WordShape.None"/> included: the rows of the shape embedding.</summary>
    public static int Count { get; } = Enum.GetValues<WordShape>().Length;

    /// <summary>The shape of <paramref name="word"/> (Unicode letter case: <c>Élise</c> is capitalized).</summary>
    /// <param name="word">A word's text; null counts as empty.</param>
    public static WordShape Of(string? word)
    {
        int upper = 0, lower = 0;
        bool firstIsUpper = false, laterUpper = false, digit = false;
        foreach (char c in word ?? "")
        {
            if (char.IsUpper(c))
            {
                if (upper + lower == 0)
                    firstIsUpper = true;
                else
                    laterUpper = true;
                upper++;
            }
            else if (char.IsLower(c))
            {
                lower++;
            }
            else if (char.IsDigit(c))
            {
                digit = true;
            }
        }
        if (upper + lower == 0)
            return digit ? WordShape.Digits : WordShape.Other;
        if (upper == 0)
            return WordShape.Lower;
        if (lower == 0)
            return upper == 1 ? WordShape.Capitalized : WordShape.Upper;
        return firstIsUpper && !laterUpper ? WordShape.Capitalized : WordShape.Mixed;
    }
}
