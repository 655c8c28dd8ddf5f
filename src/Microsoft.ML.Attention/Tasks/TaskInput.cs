namespace Microsoft.ML.Attention.Tasks;

/// <summary>An input column a scorer reads: a text column (<c>string</c>), or the words of a sentence (a vector of text).</summary>
/// <param name="Name">The column's name.</param>
/// <param name="IsWords">true = a vector of text (one value per word, any length); false = a text column.</param>
internal sealed record TaskInputColumn(string Name, bool IsWords = false);

/// <summary>
/// One row's input values, in the order of the scorer's <see cref="ITaskScorer.InputColumns"/>: each column as its values (one text for
/// a text column, the words for a vector of text).
/// </summary>
internal readonly struct InputRow
{
    private readonly string[][] _columns;

    public InputRow(string[][] columns) => _columns = columns;

    /// <summary>A row of text columns only.</summary>
    public static InputRow OfTexts(params string[] texts) => new([.. texts.Select(t => new[] { t })]);

    /// <summary>The text of text column <paramref name="column"/>.</summary>
    public string Text(int column) => _columns[column][0];

    /// <summary>The words of vector-of-text column <paramref name="column"/>.</summary>
    public IReadOnlyList<string> Words(int column) => _columns[column];
}
