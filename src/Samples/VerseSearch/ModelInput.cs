using Microsoft.ML.Data;

namespace VerseSearch;

/// <summary>
/// One training pair: an English verse (King James) and the same verse in Spanish (Reina-Valera 1909). The saved model embeds the
/// <c>English</c> column; the Spanish verses are embedded through the same column, since the fine-tuned encoder maps both languages
/// to one space.
/// </summary>
public sealed class ModelInput
{
    [ColumnName("English")]
    public string English { get; set; } = "";

    [ColumnName("Spanish")]
    public string Spanish { get; set; } = "";
}
