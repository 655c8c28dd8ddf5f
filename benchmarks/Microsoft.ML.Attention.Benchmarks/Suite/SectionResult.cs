namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// What one section of the suite measured: a table (written to the JSON file and to docs/performance.md), notes under it, and
/// the figures as numbers for the JSON file.
/// </summary>
/// <param name="Name">The section's id (as on the command line, e.g. <c>roof</c>).</param>
/// <param name="Title">Heading in docs/performance.md.</param>
/// <param name="Columns">Column headers of the table.</param>
/// <param name="Rows">Table rows, already formatted.</param>
/// <param name="Notes">Lines printed under the table (goal met or missed, what was measured).</param>
/// <param name="Figures">Named measured numbers, for the JSON file.</param>
/// <param name="Seconds">Wall time of the section.</param>
internal sealed record SectionResult(
    string Name,
    string Title,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<string>> Rows,
    IReadOnlyList<string> Notes,
    IReadOnlyDictionary<string, double> Figures,
    double Seconds = 0);
