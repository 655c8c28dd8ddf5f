using Microsoft.ML.Attention.Tasks;

namespace Microsoft.ML.Attention;

/// <summary>
/// Reads CoNLL-style column files (CoNLL-2003, the Brown file in <c>datasets/token-classification/brown/</c>): one token a line, its
/// fields separated by tabs or spaces, a blank line after each sentence. One row per sentence.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Fields: when the first token line holds a tab, the file is tab-separated and fields are split on single tabs (a field may
/// then hold spaces); otherwise fields are split on runs of spaces and tabs. Line ends (<c>\n</c> or <c>\r\n</c>) and white space at the
/// end of a line are dropped.</item>
/// <item>Sentences end at a blank (empty or white-space) line and at the end of the file; empty sentences give no row.</item>
/// <item>Comments: a line starting with <c>#</c> before a sentence's first token line is skipped (CoNLL-U's rule; inside a sentence it
/// is a token line). <c># doc = ID ...</c> and <c># newdoc id = ID</c> set the document id of the sentences after it to the first word
/// after <c>=</c> (<c>ca01</c> for <c># doc = ca01 (news)</c>).</item>
/// <item><c>-DOCSTART-</c> lines (CoNLL-2003's document separators: a first field of <c>-DOCSTART-</c>) are skipped.</item>
/// <item>The first token line fixes the number of fields; a token line with another number is a <see cref="FormatException"/> naming the
/// file and the line. A requested <see cref="ConllColumn.Index"/> beyond that number is an <see cref="ArgumentException"/> naming the
/// column.</item>
/// </list>
/// </remarks>
public static class ConllReader
{
    /// <summary>Reads a CoNLL file into a data view with one row per sentence.</summary>
    /// <param name="ml">The ML.NET context.</param>
    /// <param name="path">The file.</param>
    /// <param name="columns">The columns to read, at least one: each becomes a variable-length vector of text, one value per token.</param>
    /// <returns>The sentences in file order.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">No column, a column without a name, two columns with one name, or an index outside the file's fields.</exception>
    /// <exception cref="FormatException">A token line has another number of fields than the first (the message names the file and line).</exception>
    public static IDataView Load(MLContext ml, string path, params ConllColumn[] columns) => Load(ml, path, documentColumnName: null, columns);

    /// <summary>
    /// Reads a CoNLL file into a data view with one row per sentence, plus a text column with the id of each sentence's document (from the
    /// latest <c># doc = ID</c> comment before it; empty when there is none): what a split by document needs.
    /// </summary>
    /// <param name="ml">The ML.NET context.</param>
    /// <param name="path">The file.</param>
    /// <param name="documentColumnName">The name of the document id column, or null for none.</param>
    /// <param name="columns">The columns to read, at least one: each becomes a variable-length vector of text, one value per token.</param>
    /// <returns>The sentences in file order.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">No column, a column without a name, two columns with one name, or an index outside the file's fields.</exception>
    /// <exception cref="FormatException">A token line has another number of fields than the first (the message names the file and line).</exception>
    public static IDataView Load(MLContext ml, string path, string? documentColumnName, params ConllColumn[] columns)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0)
            throw new ArgumentException("At least one ConllColumn is needed, e.g. new ConllColumn(\"Words\", 0).", nameof(columns));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (column is null || string.IsNullOrWhiteSpace(column.Name))
                throw new ArgumentException("Every ConllColumn needs a name.", nameof(columns));
            if (column.Index < 0)
                throw new ArgumentException($"ConllColumn '{column.Name}' has index {column.Index}; indices start at 0.", nameof(columns));
            if (!names.Add(column.Name))
                throw new ArgumentException($"Two ConllColumns are named '{column.Name}'.", nameof(columns));
        }
        if (documentColumnName is not null && (string.IsNullOrWhiteSpace(documentColumnName) || names.Contains(documentColumnName)))
            throw new ArgumentException($"The document column name '{documentColumnName}' is empty or names a ConllColumn too.", nameof(documentColumnName));

        var sentences = ReadSentences(path, out int fieldCount);
        var outside = columns.FirstOrDefault(c => fieldCount > 0 && c.Index >= fieldCount);
        if (outside is not null)
            throw new ArgumentException($"ConllColumn '{outside.Name}' reads field {outside.Index}, but the token lines of '{path}' have {fieldCount} fields (0 to {fieldCount - 1}).", nameof(columns));
        return new ConllDataView(sentences, columns, documentColumnName);
    }

    /// <summary>Reads every sentence of a CoNLL file (the rules of <see cref="ConllReader"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="fieldCount">The number of fields of every token line; 0 for a file without token lines.</param>
    /// <returns>The sentences in file order.</returns>
    internal static List<ConllSentence> ReadSentences(string path, out int fieldCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The CoNLL file '{path}' does not exist.", path);

        var sentences = new List<ConllSentence>();
        var tokens = new List<string[]>();
        string document = "";
        int sentenceLine = 0;
        int firstTokenLine = 0;
        bool? tabSeparated = null;
        fieldCount = 0;
        int lineNumber = 0;
        using var reader = new StreamReader(path);
        for (string? line = reader.ReadLine(); ; line = reader.ReadLine())
        {
            lineNumber++;
            string trimmed = line?.TrimEnd() ?? "";
            if (trimmed.Length == 0)
            {
                if (tokens.Count > 0)
                {
                    sentences.Add(Sentence(document, sentenceLine, tokens, fieldCount));
                    tokens.Clear();
                }
                if (line is null)
                    break;
                continue;
            }
            if (tokens.Count == 0 && trimmed[0] == '#')
            {
                document = DocumentId(trimmed) ?? document;
                continue;
            }
            tabSeparated ??= trimmed.Contains('\t');
            string[] fields = tabSeparated.Value ? trimmed.Split('\t') : trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields[0] == "-DOCSTART-")
                continue;
            if (fieldCount == 0)
            {
                fieldCount = fields.Length;
                firstTokenLine = lineNumber;
            }
            else if (fields.Length != fieldCount)
            {
                throw new FormatException(
                    $"The CoNLL file '{path}', line {lineNumber}: {fields.Length} fields, but the first token line (line {firstTokenLine}) has {fieldCount}. " +
                    $"Every token line needs the same fields, separated by {(tabSeparated.Value ? "tabs" : "spaces or tabs")}.");
            }
            if (tokens.Count == 0)
                sentenceLine = lineNumber;
            tokens.Add(fields);
        }
        return sentences;
    }

    // The id of a "# doc = ID ..." or "# newdoc id = ID" comment, or null for another comment.
    private static string? DocumentId(string comment)
    {
        string body = comment.TrimStart('#').Trim();
        int equals = body.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
            return null;
        string key = body[..equals].Trim();
        if (key is not ("doc" or "newdoc id"))
            return null;
        string[] value = body[(equals + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return value.Length == 0 ? "" : value[0];
    }

    private static ConllSentence Sentence(string document, int line, List<string[]> tokens, int fieldCount)
    {
        var fields = new string[fieldCount][];
        for (int f = 0; f < fieldCount; f++)
        {
            fields[f] = new string[tokens.Count];
            for (int t = 0; t < tokens.Count; t++)
                fields[f][t] = tokens[t][f];
        }
        return new ConllSentence(document, line, fields);
    }
}
