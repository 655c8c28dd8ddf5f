namespace System.Runtime.CompilerServices;

/// <summary>
/// Tells the .NET runtime to skip access checks from this assembly into the named assembly. The
/// runtime recognises the attribute by name; no library ships a public definition, so it is declared here.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute : Attribute
{
    /// <summary>Creates the attribute for <paramref name="assemblyName"/>.</summary>
    public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

    /// <summary>The simple name of the assembly whose non-public members may be used.</summary>
    public string AssemblyName { get; }
}
