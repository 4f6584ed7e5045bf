/**
 * The matchers operators name in {@code mailetcontainer.xml}: conditions on the attributes the pack's hooks and mailets
 * set ({@code ArcState=}, {@code DmarcResult=}, {@code SrsStatus=}, {@code Dcc=}, {@code Bmi*}, ...).
 */
package org.jamesexim.matchers;
