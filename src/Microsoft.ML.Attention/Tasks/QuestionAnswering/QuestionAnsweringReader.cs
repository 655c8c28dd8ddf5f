using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Reads the training rows of question answering into memory. A row is skipped (and counted by reason) when its question or context
/// is empty or white space, when its answer start lies outside the context (or is missing), or when the answer is empty or is not the
/// context's text at its start. Missing or mistyped columns fail with their names.
/// </summary>
internal static class QuestionAnsweringReader
{
    /// <summary>The types an answer-start column may have.</summary>
    public static readonly DataViewType[] AnswerStartTypes = [NumberDataViewType.Int32, NumberDataViewType.Single];

    /// <summary>Checks the answer and answer-start columns of a data view's schema.</summary>
    public static void CheckAnswerColumns(IExceptionContext host, DataViewSchema schema, QuestionAnsweringOptions options, string parameterName)
    {
        SchemaChecks.CheckTextColumn(host, schema, options.AnswerColumnName, parameterName);
        var start = schema.GetColumnOrNull(options.AnswerStartColumnName)
            ?? throw host.ExceptSchemaMismatch(parameterName, "answer start", options.AnswerStartColumnName);
        if (!AnswerStartTypes.Contains(start.Type))
            throw host.ExceptSchemaMismatch(parameterName, "answer start", options.AnswerStartColumnName, "Int32 or Single", start.Type.ToString());
    }

    /// <summary>Checks the answer and answer-start columns of a schema shape (the estimator's GetOutputSchema).</summary>
    public static void CheckAnswerColumns(IExceptionContext host, SchemaShape schema, QuestionAnsweringOptions options, string parameterName)
    {
        SchemaChecks.CheckTextColumn(host, schema, options.AnswerColumnName, parameterName);
        if (!schema.TryFindColumn(options.AnswerStartColumnName, out var start))
            throw host.ExceptSchemaMismatch(parameterName, "answer start", options.AnswerStartColumnName);
        if (start.Kind != SchemaShape.Column.VectorKind.Scalar || !AnswerStartTypes.Contains(start.ItemType))
            throw host.ExceptSchemaMismatch(parameterName, "answer start", options.AnswerStartColumnName, "Int32 or Single", start.GetTypeString());
    }

    /// <summary>The usable rows, and the count of skipped rows per reason (only reasons that occurred).</summary>
    public static (List<QuestionAnsweringExample> Examples, Dictionary<string, int> Skipped) Read(IDataView data, QuestionAnsweringOptions options)
    {
        var schema = data.Schema;
        var columns = new[] { options.QuestionColumnName, options.ContextColumnName, options.AnswerColumnName, options.AnswerStartColumnName }
            .Select(name => schema[name]).ToArray();
        using var cursor = data.GetRowCursor(columns.Distinct());
        var question = cursor.GetGetter<ReadOnlyMemory<char>>(columns[0]);
        var context = cursor.GetGetter<ReadOnlyMemory<char>>(columns[1]);
        var answer = cursor.GetGetter<ReadOnlyMemory<char>>(columns[2]);
        var start = StartGetter(cursor, columns[3]);

        var examples = new List<QuestionAnsweringExample>();
        var skipped = new Dictionary<string, int>();
        ReadOnlyMemory<char> q = default, c = default, a = default;
        while (cursor.MoveNext())
        {
            question(ref q);
            context(ref c);
            answer(ref a);
            var example = new QuestionAnsweringExample(q.ToString(), c.ToString(), a.ToString(), start());
            string? reason = Problem(example, options);
            if (reason is null)
                examples.Add(example);
            else
                skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
        }
        return (examples, skipped);
    }

    // Why a row cannot be trained on, or null.
    private static string? Problem(QuestionAnsweringExample e, QuestionAnsweringOptions options)
    {
        if (string.IsNullOrWhiteSpace(e.Question))
            return $"empty question ('{options.QuestionColumnName}')";
        if (string.IsNullOrWhiteSpace(e.Context))
            return $"empty context ('{options.ContextColumnName}')";
        if (e.AnswerStart < 0 || e.AnswerStart + e.Answer.Length > e.Context.Length)
            return $"answer start ('{options.AnswerStartColumnName}') outside the context or missing";
        if (string.IsNullOrWhiteSpace(e.Answer) || string.CompareOrdinal(e.Context, e.AnswerStart, e.Answer, 0, e.Answer.Length) != 0)
            return $"answer ('{options.AnswerColumnName}') empty or not the context's text at its start";
        return null;
    }

    // The answer start as an Int32; -1 for a missing (NaN), negative or non-integral Single.
    private static Func<int> StartGetter(DataViewRow cursor, DataViewSchema.Column column)
    {
        if (column.Type == NumberDataViewType.Int32)
        {
            var getter = cursor.GetGetter<int>(column);
            return () =>
            {
                int value = 0;
                getter(ref value);
                return value;
            };
        }
        var single = cursor.GetGetter<float>(column);
        return () =>
        {
            float value = 0;
            single(ref value);
            return float.IsFinite(value) && value >= 0 && value <= int.MaxValue && value == MathF.Floor(value) ? (int)value : -1;
        };
    }
}
