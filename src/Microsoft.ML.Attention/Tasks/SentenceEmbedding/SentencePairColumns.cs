namespace Microsoft.ML.Attention.Tasks;

/// <summary>The column names of <see cref="SentencePair"/> rows, for messages; checks the rows.</summary>
/// <param name="Anchor">The anchor column.</param>
/// <param name="Positive">The positive column.</param>
/// <param name="Negative">The hard-negative column, or null when the rows have none.</param>
internal sealed record SentencePairColumns(string Anchor, string Positive, string? Negative = null)
{
    /// <summary>Throws when a row's anchor or positive is missing or blank, or when a negative is missing or blank while the column is given.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="what">"training" or "validation", for messages.</param>
    /// <exception cref="ArgumentException">The message names the column and the row.</exception>
    public void Check(IReadOnlyList<SentencePair> rows, string what)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            Require(rows[i].Anchor, Anchor, i, what);
            Require(rows[i].Positive, Positive, i, what);
            if (Negative is not null)
                Require(rows[i].Negative, Negative, i, what);
            else if (rows[i].Negative is not null)
                throw new ArgumentException($"{what} row {i} has a hard negative but no negative column was named.", nameof(rows));
        }
    }

    private static void Require(string? text, string column, int row, string what)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException(
                $"Column '{column}' is {(text is null ? "missing" : "empty")} in {what} row {row}; every row needs a non-empty text there.", column);
        }
    }
}
